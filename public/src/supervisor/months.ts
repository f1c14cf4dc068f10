// The portal over months, on the supervisor page: notice settings (every role), the inbox's
// deletion warnings, legal holds on a case, and the administrators' retention and early deletion.
import { callApi } from '../../../src/client/api';
import {
  deleteEarly,
  legalHold,
  noticeSettings,
  registerNotices,
  type Step,
  setRetention,
  stopNotices,
  upcomingDeletions,
} from '../../../src/client/months';
import type { UnitView } from '../../../src/client/types';
import { browserFetch } from '../lib/api';
import { byId, clearStatus, h, setBusy, showStatus } from '../lib/dom';
import { session, showError } from './session';

const stepKey = (r: Step) =>
  r.status === 'done' ? 'retention.step.done' : 'retention.step.requested';

export async function loadAccount(): Promise<void> {
  const s = session();
  const line = byId('notify-current', HTMLElement);
  if (!s) return;
  try {
    const n = await noticeSettings(s);
    if (!n.registered) return showStatus(line, 'info', 'notify.none');
    byId('notify-email', HTMLInputElement).value = n.email;
    byId('notify-hour', HTMLInputElement).value = String(n.digestHour);
    byId('notify-active', HTMLInputElement).checked = n.onlyWhenActive;
    byId('notify-encrypt', HTMLInputElement).checked = n.encryptDetails;
    if (n.verified)
      showStatus(line, 'success', 'notify.active', { email: n.email, hour: n.digestHour });
    else showStatus(line, 'info', 'notify.pending', { email: n.email });
  } catch (err) {
    showError(line, err);
  }
}

export function wireAccount(): void {
  const form = byId('notify-form', HTMLFormElement);
  const line = byId('notify-status', HTMLElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const s = session();
    if (!s) return;
    const email = byId('notify-email', HTMLInputElement);
    const hour = Number(byId('notify-hour', HTMLInputElement).value);
    if (!email.checkValidity() || !Number.isInteger(hour) || hour < 0 || hour > 23) {
      showStatus(line, 'error', 'notify.invalid');
      return;
    }
    setBusy(form, true);
    try {
      await registerNotices(s, {
        email: email.value.trim(),
        digestHour: hour,
        onlyWhenActive: byId('notify-active', HTMLInputElement).checked,
        encryptDetails: byId('notify-encrypt', HTMLInputElement).checked,
      });
      showStatus(line, 'success', 'notify.sent', { email: email.value.trim() });
      void loadAccount();
    } catch (err) {
      showError(line, err);
    } finally {
      setBusy(form, false);
    }
  });
  byId('notify-stop', HTMLButtonElement).addEventListener('click', async () => {
    const s = session();
    if (!s) return;
    try {
      await stopNotices(s);
      showStatus(line, 'success', 'notify.stopped');
      clearStatus(byId('notify-current', HTMLElement));
    } catch (err) {
      showError(line, err);
    }
  });
}

/** The inbox's warning: cases of this unit that will be deleted within 30 days. */
export async function loadDeletionWarnings(): Promise<void> {
  const s = session();
  const box = byId('deletion-warnings', HTMLElement);
  if (!s) return;
  try {
    const { cases } = await upcomingDeletions(s);
    byId('deletion-list', HTMLUListElement).replaceChildren(
      ...cases.map((c) =>
        h(
          'li',
          {},
          h('a', {
            attrs: { href: `#case/${encodeURIComponent(c.id)}` },
            i18n: 'retention.warn.item',
            vars: { id: c.id, day: c.deletesOn },
          }),
        ),
      ),
    );
    box.hidden = cases.length === 0;
  } catch {
    box.hidden = true;
  }
}

/** Runs a two-person step from a form, saying whether it was asked or carried out. */
function wireStep(formId: string, statusId: string, act: () => Promise<Step> | null) {
  const form = byId(formId, HTMLFormElement);
  const line = byId(statusId, HTMLElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(line);
    setBusy(form, true);
    try {
      const pending = act();
      if (pending) showStatus(line, 'success', stepKey(await pending));
    } catch (err) {
      showError(line, err);
    } finally {
      setBusy(form, false);
    }
  });
}

export function wireHold(): void {
  wireStep('hold-form', 'hold-status', () => {
    const s = session();
    const [place, id] = location.hash.slice(1).split('/');
    if (!s || place !== 'case' || !id) return null;
    return legalHold(
      s,
      decodeURIComponent(id),
      byId('hold-select', HTMLSelectElement).value === 'hold',
    );
  });
}

export async function loadRetentionAdmin(): Promise<void> {
  const { units } = await callApi<{ units: UnitView[] }>(browserFetch, '/api/units');
  const select = byId('retention-unit', HTMLSelectElement);
  select.replaceChildren(...units.map((u) => h('option', { attrs: { value: u.id } }, u.name)));
  const sync = () => {
    const unit = units.find((u) => u.id === select.value);
    if (unit?.retentionMonths)
      byId('retention-months', HTMLInputElement).value = String(unit.retentionMonths);
  };
  select.onchange = sync;
  sync();
}

export function wireRetentionAdmin(): void {
  const form = byId('retention-form', HTMLFormElement);
  const line = byId('retention-status', HTMLElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const s = session();
    if (!s) return;
    setBusy(form, true);
    try {
      const months = Number(byId('retention-months', HTMLInputElement).value);
      await setRetention(s, byId('retention-unit', HTMLSelectElement).value, months);
      showStatus(line, 'success', 'retention.admin.saved');
    } catch (err) {
      showError(line, err);
    } finally {
      setBusy(form, false);
    }
  });
  wireStep('early-form', 'early-status', () => {
    const s = session();
    const id = byId('early-case', HTMLInputElement).value.trim();
    if (!s || !id) return null;
    const action = byId('early-action', HTMLSelectElement).value;
    return action === 'delete' ? deleteEarly(s, id) : legalHold(s, id, action === 'hold');
  });
}
