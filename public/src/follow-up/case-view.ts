// The case overview: where it went, its state and dated history, the flags, and every message.
import { isMessageKey, t } from '../i18n';
import { byId, h, setI18n } from '../lib/dom';
import { pseudonymText } from '../lib/pseudonym';
import { unitName } from '../report/units';
import { type Download, messageCard } from './message-card';
import { readers, shareSection } from './reach';
import type { CaseSession } from './session';

function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

function stateText(state: string, outcome: string | null): string {
  return outcome ? `${label('state', state)}: ${label('outcome', outcome)}` : label('state', state);
}

function row(dtKey: Parameters<typeof t>[0], value: string): HTMLElement[] {
  return [h('dt', { i18n: dtKey }), h('dd', {}, value)];
}

export function renderCase(
  s: CaseSession,
  download: Download,
  shared: () => Promise<void> = async () => undefined,
): void {
  const v = s.view;
  const flags = v.retaliation.map((f) =>
    h(
      'li',
      {},
      t(f.state === 'resolved' ? 'case.flagLineResolved' : 'case.flagLine', {
        day: f.day,
        state: label('flagState', f.state),
        due: f.dueBy,
      }),
    ),
  );
  // Who has read the case: days and pseudonyms only, read from the audit trail by the server.
  const openings = v.openings ?? [];
  const opened =
    openings.length > 0
      ? h(
          'ul',
          { class: 'points' },
          ...openings.map((o) =>
            h(
              'li',
              {},
              h('time', { attrs: { datetime: o.day } }, o.day),
              ' ',
              t(
                o.what === 'download'
                  ? 'case.downloadedBy'
                  : o.what === 'export'
                    ? 'case.exportedBy'
                    : 'case.openedBy',
                { by: o.by === 'operator' ? t('case.operator') : pseudonymText(o.by) },
              ),
            ),
          ),
        )
      : h('p', { i18n: 'case.notOpened' });
  byId('case-summary', HTMLElement).replaceChildren(
    h(
      'dl',
      { class: 'summary' },
      ...(v.unit ? row('case.unit', unitName(v.unit)) : []),
      ...(v.copiedUnit ? row('case.copied', unitName(v.copiedUnit)) : []),
      ...row('case.receivedDay', v.receivedDay),
      h('dt', { i18n: 'case.state' }),
      h('dd', {}, h('span', { class: `state state-${v.state}` }, stateText(v.state, v.outcome))),
      ...(v.retaliationFlagged ? row('case.retaliation', t('case.yes')) : []),
    ),
    ...(flags.length > 0
      ? [
          h('h2', { class: 'h3', i18n: 'case.flags' }),
          h('p', { class: 'help', i18n: 'case.flagsHelp' }),
          h('ul', { class: 'points' }, ...flags),
        ]
      : []),
    h('h2', { class: 'h3', i18n: 'case.openings' }),
    h('p', { class: 'help', i18n: 'case.openingsHelp' }),
    opened,
    ...readers(s),
    ...shareSection(s, shared),
  );
  byId('case-history', HTMLOListElement).replaceChildren(
    ...v.history.map((e) =>
      h(
        'li',
        {},
        h('time', { attrs: { datetime: e.day } }, e.day),
        ' ',
        h('span', {}, stateText(e.state, e.outcome)),
      ),
    ),
  );
  // Replies since the last visit are marked; the server keeps that visit as a day, in the case.
  const isNew = (m: CaseSession['messages'][number]) =>
    m.kind === 'reply' && (s.since === null || m.day >= s.since);
  byId('case-messages', HTMLOListElement).replaceChildren(
    ...s.messages.map((m) => messageCard(m, download, isNew(m))),
  );
  const since = byId('case-new-note', HTMLElement);
  since.hidden = !(s.since && s.messages.some(isNew));
  if (s.since) setI18n(since, 'msg.newSince', { day: s.since });
}
