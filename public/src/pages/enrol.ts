// Enrolment: a new supervisor sends their PUBLIC key, checked here first; an administrator approves.
import { callApi, jsonInit } from '../../../src/client/api';
import type { UnitView } from '../../../src/client/types';
import { inspectPublicKey, KeyRejectedError } from '../../../src/crypto';
import { lang, onLanguageChange, t } from '../i18n';
import { browserFetch, describeError } from '../lib/api';
import { byId, clearStatus, h, setBusy, setI18n, showStatus } from '../lib/dom';
import { formatFingerprint } from '../lib/format';
import { powHeaders, solveChallenge } from '../lib/pow';
import { initShell } from '../lib/shell';

initShell({ quickExit: false });

const form = byId('enrol-form', HTMLFormElement);
const name = byId('display-name', HTMLInputElement);
const unitSelect = byId('enrol-unit', HTMLSelectElement);
const keyText = byId('public-key', HTMLTextAreaElement);
const keyCheck = byId('key-check', HTMLElement);
const progress = byId('enrol-progress', HTMLElement);
const errorLine = byId('enrol-error', HTMLElement);
let units: UnitView[] = [];

const PRIVATE_MARK = /-----BEGIN PGP PRIVATE KEY BLOCK-----|-----BEGIN PGP SECRET KEY BLOCK-----/;

function renderUnits(): void {
  const chosen = unitSelect.value;
  const label = (u: UnitView) =>
    `${lang() === 'zh' ? u.nameZh : u.name} — ${t(`level.${u.level}`)}${u.isDemo ? ` (${t('report.unit.demo')})` : ''}`;
  unitSelect.replaceChildren(
    h('option', { attrs: { value: '' }, i18n: 'enrol.unitPlaceholder' }),
    ...units.map((u) => h('option', { attrs: { value: u.id } }, label(u))),
  );
  unitSelect.value = chosen;
}
onLanguageChange(renderUnits);

callApi<{ units: UnitView[] }>(browserFetch, '/api/units')
  .then((r) => {
    units = r.units;
    renderUnits();
  })
  .catch(() => showStatus(errorLine, 'error', 'report.unit.loadError'));

/** Checks the key in this browser; true when it may be sent. A private key never may. */
async function checkKey(): Promise<boolean> {
  keyText.removeAttribute('aria-invalid');
  const armored = keyText.value.trim();
  if (armored === '') {
    clearStatus(keyCheck);
    return false;
  }
  if (PRIVATE_MARK.test(armored)) {
    keyText.setAttribute('aria-invalid', 'true');
    showStatus(keyCheck, 'error', 'enrol.privateKey');
    return false;
  }
  try {
    const info = await inspectPublicKey(armored, { requireSigning: true });
    showStatus(keyCheck, 'success', 'enrol.keyOk', {
      fingerprint: formatFingerprint(info.fingerprint),
      algorithm: info.bits ? `${info.algorithm} ${info.bits}` : info.algorithm,
      version: info.version,
    });
    return true;
  } catch (err) {
    keyText.setAttribute('aria-invalid', 'true');
    const reason =
      err instanceof KeyRejectedError ? `keyProblem.${err.problem}` : 'keyProblem.unreadable';
    showStatus(keyCheck, 'error', 'enrol.keyRejected', {
      reason: t(reason as 'keyProblem.unreadable'),
    });
    return false;
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
keyText.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => void checkKey(), 300);
});
byId('key-upload', HTMLInputElement).addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file || file.size > 65536)
    return showStatus(keyCheck, 'error', 'enrol.keyRejected', {
      reason: t('keyProblem.unreadable'),
    });
  keyText.value = await file.text();
  await checkKey();
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearStatus(errorLine);
  for (const el of [name, unitSelect]) el.removeAttribute('aria-invalid');
  const missing = name.value.trim() === '' ? name : unitSelect.value === '' ? unitSelect : null;
  if (missing) {
    missing.setAttribute('aria-invalid', 'true');
    showStatus(errorLine, 'error', 'enrol.missing');
    return missing.focus();
  }
  if (!(await checkKey())) {
    showStatus(errorLine, 'error', 'enrol.fixKey');
    return keyText.focus();
  }
  setBusy(form, true);
  try {
    const pow = await solveChallenge(
      'submit',
      (key, vars) => showStatus(progress, 'info', key, vars),
      'progress.pow',
    );
    showStatus(progress, 'info', 'progress.send');
    const created = await callApi<{ pseudonym: string; fingerprint: string }>(
      browserFetch,
      '/api/supervisors/enrol',
      jsonInit(
        {
          unitId: unitSelect.value,
          displayName: name.value.trim(),
          publicKey: keyText.value.trim(),
        },
        powHeaders(pow),
      ),
    );
    byId('enrol-view', HTMLElement).hidden = true;
    byId('enrol-done', HTMLElement).hidden = false;
    setI18n(byId('enrol-done-text', HTMLElement), 'enrol.done.text', {
      fingerprint: formatFingerprint(created.fingerprint),
      pseudonym: created.pseudonym,
    });
    byId('enrol-done-title', HTMLElement).focus();
  } catch (err) {
    const advice = describeError(err);
    showStatus(errorLine, 'error', advice.key, advice.vars);
  } finally {
    clearStatus(progress);
    setBusy(form, false);
  }
});
