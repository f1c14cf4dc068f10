// The checks the server runs on what a client sends before it stores it: the reporter's key pair
// and that a message is ciphertext (and to whom). Each answers with plain data, never throws, so
// that it can run on another thread as well as inline (src/entry/check-pool.ts).
import {
  inspectReporterKey,
  judgeReporterKey,
  KeyRejectedError,
  readLockedKey,
  samePublicPart,
} from './keys';
import { inspectEncryptedMessage } from './messages';

export type ReporterKeysCheck =
  | { ok: true; fingerprint: string; encryptionKeyIds: string[] }
  | { ok: false; detail: string };

/**
 * The reporter's public key passes `inspectReporterKey`, and the private key sent beside it is the
 * same key, locked (with the receipt passphrase, which the server never sees). The locked key
 * holds the public one: when the public key sent is, byte for byte, the locked key's public part
 * (as the portal's browser code sends it), that part is judged without reading the public key a
 * second time; anything else is read and judged on its own, so the answers are the same.
 */
export async function checkReporterKeys(
  publicKey: string,
  lockedKey: string,
): Promise<ReporterKeysCheck> {
  const held = await readLockedKey(lockedKey);
  let info: { fingerprint: string; encryptionKeyIds: string[] };
  try {
    const part = held ? await samePublicPart(publicKey, held.key) : null;
    info = part ? judgeReporterKey(part) : await inspectReporterKey(publicKey);
  } catch (err) {
    if (err instanceof KeyRejectedError)
      return { ok: false, detail: `Reporter key: ${err.message}` };
    return { ok: false, detail: 'Reporter key: this is not a readable OpenPGP public key.' };
  }
  if (!held?.locked)
    return {
      ok: false,
      detail: "The reporter's private key must be locked with the receipt passphrase.",
    };
  if (held.key.getFingerprint().toUpperCase() !== info.fingerprint)
    return { ok: false, detail: 'The locked private key does not match the public key.' };
  return { ok: true, fingerprint: info.fingerprint, encryptionKeyIds: info.encryptionKeyIds };
}

/** A new report's two checks, made in one call: its reporter's key pair and its message. */
export interface ReportCheck {
  keys: ReporterKeysCheck;
  /** `inspectEncryptedMessage` of the report: its recipients' key IDs, or null. */
  encryptedTo: string[] | null;
}

export async function checkReport(
  publicKey: string,
  lockedKey: string,
  message: string,
): Promise<ReportCheck> {
  const [keys, encryptedTo] = await Promise.all([
    checkReporterKeys(publicKey, lockedKey),
    inspectEncryptedMessage(message),
  ]);
  return { keys, encryptedTo };
}

/** Where the checks run: inline on the thread serving the request, or on a pool of threads. */
export interface Checks {
  /** Both checks of a new report at once: on a pool, one hand-over to a thread instead of two. */
  report(publicKey: string, lockedKey: string, message: string): Promise<ReportCheck>;
  /** `inspectEncryptedMessage`: the recipients' key IDs, or null when it is no such message. */
  encryptedTo(input: string | Uint8Array): Promise<string[] | null>;
}

export const inlineChecks: Checks = {
  report: checkReport,
  encryptedTo: inspectEncryptedMessage,
};
