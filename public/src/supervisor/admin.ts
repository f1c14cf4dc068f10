// Administration: approve or reject enrolled keys, revoke approved ones, create units.

import {
  createUnit,
  decideSupervisor,
  listSupervisors,
  type NewUnit,
  type SupervisorRecord,
} from '../../../src/client/admin';
import { callApi } from '../../../src/client/api';
import type { UnitView } from '../../../src/client/types';
import type { UnitHealth } from '../../../src/contract/reach';
import { lang, type MessageKey, onLanguageChange, t } from '../i18n';
import { browserFetch } from '../lib/api';
import { byId, clearStatus, h, setBusy, showStatus } from '../lib/dom';
import { formatFingerprint } from '../lib/format';
import { pseudonymText } from '../lib/pseudonym';
import { renderRecoveryUnits, wireRecoveryKey } from './recovery-key';
import { label, session, showError } from './session';

/** Units as administrators see them: with readers, recovery key and the at-risk flag. */
type AdminUnit = Omit<UnitView, 'keys'> & UnitHealth;
let units: AdminUnit[] = [];
let people: { pending: SupervisorRecord[]; approved: SupervisorRecord[] } = {
  pending: [],
  approved: [],
};

const unitName = (id: string) => {
  const u = units.find((x) => x.id === id);
  return u ? `${lang() === 'zh' ? u.nameZh : u.name} (${label('level', u.level)})` : id.slice(0, 8);
};

type Decision = 'approve' | 'reject' | 'revoke';
const DECISION_KEYS: Record<Decision, { button: MessageKey; done: MessageKey }> = {
  approve: { button: 'admin.approve', done: 'admin.approved.done' },
  reject: { button: 'admin.reject', done: 'admin.rejected.done' },
  revoke: { button: 'admin.revoke', done: 'admin.revoked.done' },
};

function decisionButton(p: SupervisorRecord, decision: Decision): HTMLButtonElement {
  const keys = DECISION_KEYS[decision];
  const button = h('button', {
    class: decision === 'approve' ? 'btn btn-small btn-primary' : 'btn btn-small btn-warning',
    i18n: keys.button,
    attrs: { type: 'button', 'aria-label': `${t(keys.button)}: ${p.displayName}` },
  });
  button.addEventListener('click', async () => {
    const s = session();
    if (!s) return;
    // Rejecting and revoking cannot be undone from here: ask once, in words naming the person.
    if (
      decision !== 'approve' &&
      !confirm(t('admin.confirm', { action: t(keys.button), name: p.displayName }))
    )
      return;
    const status = byId('admin-status', HTMLElement);
    button.disabled = true;
    try {
      const done = await decideSupervisor(s, p.id, decision);
      // Four eyes: an administrator's approval alone leaves the key pending an auditor's.
      const waiting = decision === 'approve' && done.status === 'pending';
      showStatus(status, 'success', waiting ? 'admin.approved.waiting' : keys.done, {
        name: p.displayName,
      });
      await loadAdmin();
    } catch (err) {
      showError(status, err);
      button.disabled = false;
    }
  });
  return button;
}

function table(list: SupervisorRecord[], decisions: Decision[]): HTMLElement {
  if (list.length === 0) return h('p', { class: 'help', i18n: 'admin.none' });
  return h(
    'ul',
    { class: 'people' },
    ...list.map((p) =>
      h(
        'li',
        { class: 'person' },
        h(
          'p',
          {},
          h('strong', {}, p.displayName),
          ` — ${label('role', p.role)}, ${unitName(p.unitId)}`,
        ),
        h(
          'p',
          { class: 'help' },
          t('admin.pseudonym', { name: pseudonymText(p.pseudonym) }),
          ' · ',
          t('admin.enrolled', { day: p.enrolledAt.slice(0, 10) }),
        ),
        h('p', {}, h('code', { class: 'fingerprint' }, formatFingerprint(p.fingerprint))),
        // Nobody revokes their own key from here: it would lock them out mid-session.
        p.id === session()?.supervisor.id
          ? null
          : h('p', { class: 'actions' }, ...decisions.map((d) => decisionButton(p, d))),
      ),
    ),
  );
}

/** What the health column says: a unit nobody can reach first, then one passing cases up. */
function healthNote(u: AdminUnit): HTMLElement {
  if (u.readers === 0 && !u.parentId)
    return h('span', { class: 'badge badge-late', i18n: 'admin.health.deadEnd' });
  if (u.readers === 0)
    return h('span', { class: 'badge badge-late', i18n: 'admin.health.passesUp' });
  if (u.atRisk) return h('span', { class: 'badge badge-late', i18n: 'admin.health.risk' });
  return h('span', { i18n: 'admin.health.ok' });
}

function healthRows(): HTMLTableRowElement[] {
  return units.map((u) =>
    h(
      'tr',
      { class: u.atRisk ? 'row-priority' : undefined },
      h('td', {}, unitName(u.id)),
      h('td', {}, String(u.readers)),
      h('td', { i18n: u.hasRecoveryKey ? 'case.yes' : 'admin.health.none' }),
      h('td', {}, healthNote(u)),
    ),
  );
}

function render(): void {
  byId('health-rows', HTMLTableSectionElement).replaceChildren(...healthRows());
  renderRecoveryUnits(units.map((u) => ({ id: u.id, label: unitName(u.id) })));
  byId('pending-list', HTMLElement).replaceChildren(table(people.pending, ['approve', 'reject']));
  byId('approved-list', HTMLElement).replaceChildren(table(people.approved, ['revoke']));
  const parent = byId('unit-parent', HTMLSelectElement);
  const chosen = parent.value;
  parent.replaceChildren(
    h('option', { attrs: { value: '' }, i18n: 'admin.unit.noParent' }),
    ...units.map((u) => h('option', { attrs: { value: u.id } }, unitName(u.id))),
  );
  parent.value = chosen;
}
onLanguageChange(render);

export async function loadAdmin(): Promise<void> {
  const s = session();
  if (!s) return;
  try {
    const [pending, approved, unitList] = await Promise.all([
      listSupervisors(s, 'pending'),
      listSupervisors(s, 'approved'),
      callApi<{ units: AdminUnit[] }>(browserFetch, '/api/admin/units'),
    ]);
    people = { pending: pending.supervisors, approved: approved.supervisors };
    units = unitList.units;
    render();
  } catch (err) {
    showError(byId('admin-status', HTMLElement), err);
  }
}

const LEVELS = ['national', 'provincial', 'intermediate', 'basic'] as const;
const isLevel = (v: string): v is NewUnit['level'] => (LEVELS as readonly string[]).includes(v);

export function wireAdmin(): void {
  wireRecoveryKey(loadAdmin);
  const form = byId('unit-form', HTMLFormElement);
  const status = byId('unit-status', HTMLElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(status);
    const s = session();
    const name = byId('unit-name', HTMLInputElement);
    const nameZh = byId('unit-name-zh', HTMLInputElement);
    const level = byId('unit-level', HTMLSelectElement).value;
    for (const el of [name, nameZh]) el.removeAttribute('aria-invalid');
    const empty = [name, nameZh].find((el) => el.value.trim() === '');
    if (empty || !isLevel(level) || !s) {
      empty?.setAttribute('aria-invalid', 'true');
      showStatus(status, 'error', 'admin.unit.missing');
      empty?.focus();
      return;
    }
    setBusy(form, true);
    try {
      const parentId = byId('unit-parent', HTMLSelectElement).value || null;
      await createUnit(s, {
        name: name.value.trim(),
        nameZh: nameZh.value.trim(),
        level,
        parentId,
      });
      showStatus(status, 'success', 'admin.unit.created', { name: name.value.trim() });
      form.reset();
      await loadAdmin();
    } catch (err) {
      showError(status, err);
    } finally {
      setBusy(form, false);
    }
  });
}
