// Sign-in: read the key file locally, unlock it in memory, sign the server's challenge.
import type { PrivateKey } from 'openpgp';
import { signIn } from '../../../src/client/supervisor';
import { readPrivateKey, unlockPrivateKey } from '../../../src/crypto';
import { ApiError, browserFetch } from '../lib/api';
import { byId, clearStatus, setBusy, showStatus } from '../lib/dom';
import { formatFingerprint } from '../lib/format';
import { type Signed, session, showError } from './session';

const MAX_KEY_FILE = 256 * 1024;

const form = () => byId('signin-form', HTMLFormElement);
const keyInfo = () => byId('key-info', HTMLElement);
const errorLine = () => byId('signin-error', HTMLElement);

let armored: string | null = null;

async function loadKeyFile(file: File | undefined): Promise<void> {
  armored = null;
  clearStatus(keyInfo());
  if (!file) return;
  if (file.size > MAX_KEY_FILE) return showStatus(keyInfo(), 'error', 'sup.signIn.notKey');
  // Read here in the browser: the file itself is never uploaded.
  const text = await file.text();
  try {
    const key = await readPrivateKey(text);
    armored = text;
    showStatus(keyInfo(), 'info', 'sup.signIn.loaded', {
      fingerprint: formatFingerprint(key.getFingerprint()),
    });
  } catch {
    showStatus(keyInfo(), 'error', 'sup.signIn.notKey');
  }
}

async function unlock(passphrase: HTMLInputElement): Promise<PrivateKey | null> {
  if (!armored) {
    showStatus(errorLine(), 'error', 'sup.signIn.chooseKey');
    byId('key-file', HTMLInputElement).focus();
    return null;
  }
  try {
    return await unlockPrivateKey(armored, passphrase.value);
  } catch {
    passphrase.setAttribute('aria-invalid', 'true');
    showStatus(errorLine(), 'error', 'sup.signIn.wrongPassphrase');
    passphrase.focus();
    return null;
  }
}

/** Signs in, or, after a reload, re-attaches the same key to the session that is still open. */
async function attach(key: PrivateKey): Promise<Signed> {
  const open = session();
  if (open && open.supervisor.fingerprint.toUpperCase() === key.getFingerprint().toUpperCase())
    return { ...open, key };
  return signIn(browserFetch, key, location.origin);
}

function explain(err: unknown): void {
  if (err instanceof ApiError && err.status === 401)
    showStatus(errorLine(), 'error', 'sup.signIn.refused');
  else if (err instanceof Error && !(err instanceof ApiError) && /another site/.test(err.message))
    showStatus(errorLine(), 'error', 'sup.signIn.otherSite');
  else showError(errorLine(), err);
}

export function wireSignIn(done: (s: Signed) => void): void {
  const fileInput = byId('key-file', HTMLInputElement);
  const passphrase = byId('passphrase', HTMLInputElement);
  const progress = byId('signin-progress', HTMLElement);
  fileInput.addEventListener('change', () => void loadKeyFile(fileInput.files?.[0]));
  form().addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(errorLine());
    passphrase.removeAttribute('aria-invalid');
    setBusy(form(), true);
    try {
      showStatus(progress, 'info', 'sup.signIn.unlocking');
      const key = await unlock(passphrase);
      if (!key) return;
      showStatus(progress, 'info', 'sup.signIn.signing');
      const signed = await attach(key);
      resetSignIn();
      done(signed);
    } catch (err) {
      explain(err);
    } finally {
      clearStatus(progress);
      setBusy(form(), false);
    }
  });
}

/** Forgets the armored key and the passphrase typed into the form. */
export function resetSignIn(): void {
  armored = null;
  form().reset();
  clearStatus(keyInfo());
  clearStatus(errorLine());
}
