// Sign-in with GnuPG: the challenge is signed outside the browser with
// `gpg --armor --detach-sign challenge.txt`, so the private key never touches this page. The
// session then has no key: lists work, but decrypting a case still needs the key file.
import { signInChallenge, signInWithSignature } from '../../../src/client/supervisor';
import { KeyRejectedError, readPublicKey } from '../../../src/crypto';
import { ApiError, browserFetch } from '../lib/api';
import { byId, clearStatus, setBusy, setI18n, showStatus } from '../lib/dom';
import { saveText } from '../lib/download';
import { type Signed, showError } from './session';

const FINGERPRINT = /^[0-9A-F]{40}([0-9A-F]{24})?$/;

let challenge: string | null = null;

const form = () => byId('gpg-form', HTMLFormElement);
const errorLine = () => byId('gpg-error', HTMLElement);

async function getChallenge(): Promise<void> {
  const line = byId('gpg-get-status', HTMLElement);
  const area = byId('gpg-challenge', HTMLTextAreaElement);
  clearStatus(line);
  clearStatus(errorLine());
  clearStatus(byId('gpg-copy-status', HTMLElement));
  try {
    const issued = await signInChallenge(browserFetch);
    // Never show for signing a challenge made for another site.
    if (!issued.challenge.includes(`\norigin: ${location.origin}\n`)) {
      showStatus(line, 'error', 'sup.signIn.otherSite');
      return;
    }
    challenge = issued.challenge;
    area.value = challenge;
    const until = new Date(issued.expiresAt);
    setI18n(byId('gpg-challenge-help', HTMLElement), 'gpg.challengeHelp', {
      time: until.toISOString().slice(11, 19),
      origin: location.origin,
    });
    form().hidden = false;
    setI18n(byId('gpg-get', HTMLButtonElement), 'gpg.again');
    area.focus();
  } catch (err) {
    showError(line, err);
  }
}

/** A fingerprint as typed (spaces allowed), or the one of a pasted armored public key. */
async function fingerprintOf(text: string): Promise<string | null> {
  const trimmed = text.trim();
  if (trimmed.includes('-----BEGIN PGP')) {
    try {
      return (await readPublicKey(trimmed)).getFingerprint().toUpperCase();
    } catch (err) {
      if (err instanceof KeyRejectedError) return null;
      throw err;
    }
  }
  const compact = trimmed.replace(/\s+/g, '').toUpperCase();
  return FINGERPRINT.test(compact) ? compact : null;
}

export function wireGpgSignIn(done: (s: Signed) => void): void {
  const area = byId('gpg-challenge', HTMLTextAreaElement);
  const copyLine = byId('gpg-copy-status', HTMLElement);
  const fpInput = byId('gpg-fingerprint', HTMLTextAreaElement);
  const sigInput = byId('gpg-signature', HTMLTextAreaElement);
  const progress = byId('gpg-progress', HTMLElement);
  byId('gpg-get', HTMLButtonElement).addEventListener('click', () => void getChallenge());
  byId('gpg-copy', HTMLButtonElement).addEventListener('click', async () => {
    if (!challenge) return;
    try {
      await navigator.clipboard.writeText(challenge);
      showStatus(copyLine, 'success', 'gpg.copied');
    } catch {
      // No clipboard access (insecure context, or refused): select it for a manual copy.
      area.focus();
      area.select();
      showStatus(copyLine, 'info', 'gpg.copyManual');
    }
  });
  byId('gpg-save', HTMLButtonElement).addEventListener('click', () => {
    // Saved byte for byte: an editor adding a final line break would change what gpg signs.
    if (challenge) saveText(challenge, 'challenge.txt');
  });
  form().addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(errorLine());
    fpInput.removeAttribute('aria-invalid');
    sigInput.removeAttribute('aria-invalid');
    if (!challenge) return;
    setBusy(form(), true);
    try {
      const fingerprint = await fingerprintOf(fpInput.value);
      if (!fingerprint) {
        fpInput.setAttribute('aria-invalid', 'true');
        showStatus(errorLine(), 'error', 'gpg.badFingerprint');
        fpInput.focus();
        return;
      }
      const signature = sigInput.value.trim();
      if (!signature.startsWith('-----BEGIN PGP SIGNATURE-----')) {
        sigInput.setAttribute('aria-invalid', 'true');
        showStatus(errorLine(), 'error', 'gpg.badSignature');
        sigInput.focus();
        return;
      }
      showStatus(progress, 'info', 'gpg.checking');
      const signed = await signInWithSignature(browserFetch, {
        fingerprint,
        challenge,
        signature,
      });
      resetGpgSignIn();
      done({ ...signed, key: null, keyless: true });
    } catch (err) {
      // The challenge is spent even when refused: a new one is needed for another try.
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
        showStatus(errorLine(), 'error', 'gpg.refused', { reason: err.message });
      } else showError(errorLine(), err);
    } finally {
      clearStatus(progress);
      setBusy(form(), false);
    }
  });
}

/** Forgets the challenge and everything pasted. */
export function resetGpgSignIn(): void {
  challenge = null;
  form().reset();
  setI18n(byId('gpg-get', HTMLButtonElement), 'gpg.get');
  form().hidden = true;
  clearStatus(errorLine());
}
