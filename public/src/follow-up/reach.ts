// Who reads the case now, said before anything is sent: the keys new messages and flags go to,
// unit by unit; a unit that has no reader left passing them up; a flag passed further up for want
// of an answer; and the button that shares the whole case with a unit above.
import { shareCase } from '../../../src/client/reporter';
import type { CaseReader } from '../../../src/client/types';
import { t } from '../i18n';
import { describeError } from '../lib/api';
import { h, showStatus } from '../lib/dom';
import { pseudonymText } from '../lib/pseudonym';
import { unitName } from '../report/units';
import type { CaseSession } from './session';

type Named = { id: string; name: string; nameZh: string };

function unitsOf(s: CaseSession): Map<string, Named> {
  const v = s.view;
  const all = [v.unit, v.copiedUnit, v.parentUnit, v.escalatedUnit].filter(
    (u): u is Named => u !== null,
  );
  return new Map(all.map((u) => [u.id, u]));
}

function byUnit(s: CaseSession, readers: CaseReader[]): HTMLElement {
  const names = unitsOf(s);
  const groups = new Map<string, CaseReader[]>();
  for (const r of readers) groups.set(r.unitId, [...(groups.get(r.unitId) ?? []), r]);
  return h(
    'ul',
    { class: 'points' },
    ...[...groups].map(([unitId, keys]) => {
      const unit = names.get(unitId);
      const who = keys
        .map((r) => (r.recovery ? t('case.recoveryKey') : pseudonymText(r.pseudonym)))
        .join(t('case.readerSeparator'));
      return h('li', {}, t('case.readerLine', { unit: unit ? unitName(unit) : unitId, who }));
    }),
  );
}

/** The keys what the reporter writes next goes to: revoked and excluded keys are not among them. */
export function readers(s: CaseSession): HTMLElement[] {
  const v = s.view;
  const passedUp =
    v.unit && v.parentUnit && !v.readers.some((r) => r.unitId === v.unit?.id)
      ? [
          h('p', {
            class: 'status',
            attrs: { 'data-tone': 'info' },
            i18n: 'case.passedUp',
            vars: { unit: unitName(v.unit), above: unitName(v.parentUnit) },
          }),
        ]
      : [];
  const escalated = v.escalatedUnit
    ? [
        h('p', {
          class: 'status',
          attrs: { 'data-tone': 'info', id: 'case-escalated' },
          i18n: 'case.escalatedNotice',
          vars: { unit: unitName(v.escalatedUnit) },
        }),
      ]
    : [];
  const list = byUnit(s, v.readers);
  list.id = 'case-readers';
  return [
    h('h2', { class: 'h3', i18n: 'case.readers' }),
    h('p', { class: 'help', i18n: 'case.readersHelp' }),
    ...passedUp,
    list,
    h('h3', { class: 'h4', i18n: 'case.flagReaders' }),
    byUnit(s, v.flagReaders),
    ...escalated,
  ];
}

/** One button per unit above the case may be shared with, and what sharing means. */
export function shareSection(s: CaseSession, done: () => Promise<void>): HTMLElement[] {
  const targets = s.view.shareTargets;
  if (targets.length === 0) return [];
  const status = h('p', { class: 'status', attrs: { role: 'status', id: 'share-status' } });
  status.hidden = true;
  const buttons: HTMLButtonElement[] = [];
  for (const unit of targets) {
    const button = h('button', {
      class: 'btn',
      i18n: 'case.share.button',
      vars: { unit: unitName(unit) },
      attrs: { type: 'button', id: `share-${unit.id}` },
    });
    button.addEventListener('click', async () => {
      for (const b of buttons) b.disabled = true;
      showStatus(status, 'info', 'case.share.working');
      try {
        await shareCase(s, unit.id);
        showStatus(status, 'success', 'case.share.done', { unit: unitName(unit) });
        await done();
      } catch (err) {
        const e = describeError(err);
        showStatus(status, 'error', e.key, e.vars);
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    });
    buttons.push(button);
  }
  return [
    h('h2', { class: 'h3', i18n: 'case.share.title' }),
    h('p', { class: 'help', i18n: 'case.share.help' }),
    h('div', { class: 'actions' }, ...buttons),
    status,
  ];
}
