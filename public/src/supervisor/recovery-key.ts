// Administration: set a unit's recovery key from its public part (made offline, docs/recovery.md).

import { callApi, jsonInit } from '../../../src/client/api';
import { CSRF_HEADER } from '../../../src/contract/headers';
import { byId, clearStatus, h, setBusy, showStatus } from '../lib/dom';
import { formatFingerprint } from '../lib/format';
import { session, showError } from './session';

/** Fills the unit list with each unit's ID and its label in the current language. */
export function renderRecoveryUnits(units: { id: string; label: string }[]): void {
  const select = byId('recovery-unit', HTMLSelectElement);
  const chosen = select.value;
  select.replaceChildren(...units.map((u) => h('option', { attrs: { value: u.id } }, u.label)));
  if (chosen) select.value = chosen;
}

export function wireRecoveryKey(reload: () => Promise<void>): void {
  const form = byId('recovery-form', HTMLFormElement);
  const status = byId('recovery-status', HTMLElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(status);
    const s = session();
    const unitId = byId('recovery-unit', HTMLSelectElement).value;
    const key = byId('recovery-key', HTMLTextAreaElement);
    if (!s || !unitId || !key.value.includes('BEGIN PGP PUBLIC KEY BLOCK')) {
      key.setAttribute('aria-invalid', 'true');
      showStatus(status, 'error', 'admin.recovery.missing');
      key.focus();
      return;
    }
    key.removeAttribute('aria-invalid');
    setBusy(form, true);
    try {
      const done = await callApi<{ fingerprint: string }>(
        s.fetcher,
        `/api/admin/units/${encodeURIComponent(unitId)}/recovery-key`,
        jsonInit({ publicKey: key.value.trim() }, { [CSRF_HEADER]: s.csrfToken }),
      );
      showStatus(status, 'success', 'admin.recovery.done', {
        fingerprint: formatFingerprint(done.fingerprint),
      });
      key.value = '';
      await reload();
    } catch (err) {
      showError(status, err);
    } finally {
      setBusy(form, false);
    }
  });
}
