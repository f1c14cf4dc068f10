// Who must be able to read what a reporter writes, and the check that a ciphertext really is
// encrypted to all of them. The server cannot read it; it can refuse one that others can't.
import type { Ctx } from '../context';
import { inspectEncryptedMessage, inspectPublicKey } from '../crypto';
import { AppError } from '../lib/errors';
import { activeKeys, type UnitKey } from '../units/service';

export interface RecipientSet {
  /** Armored public keys, each unit's then the reporter's. */
  publicKeys: string[];
  /** For each required key, the key IDs any one of which satisfies it. */
  keyIds: string[][];
}

/** Keys of the given units (in order) plus the reporter's key. */
export async function recipientSet(
  ctx: Ctx,
  unitIds: string[],
  reporterPublicKey: string,
): Promise<RecipientSet> {
  const byUnit = await activeKeys(ctx, unitIds);
  const unitKeys: UnitKey[] = unitIds.flatMap((id) => byUnit.get(id) ?? []);
  if (unitIds.length > 0 && (byUnit.get(unitIds[0]!) ?? []).length === 0) {
    throw new AppError(
      'conflict',
      'This unit has no active supervisor keys and cannot receive reports yet.',
    );
  }
  const reporter = await inspectPublicKey(reporterPublicKey, { now: ctx.now() });
  const seen = new Set<string>();
  const keys = [
    ...unitKeys.map((k) => ({ pk: k.publicKey, ids: k.encryptionKeyIds, fp: k.fingerprint })),
    { pk: reporterPublicKey, ids: reporter.encryptionKeyIds, fp: reporter.fingerprint },
  ].filter((k) => {
    if (seen.has(k.fp)) return false;
    seen.add(k.fp);
    return true;
  });
  return { publicKeys: keys.map((k) => k.pk), keyIds: keys.map((k) => k.ids) };
}

/** Refuses anything that is not an OpenPGP message encrypted to every key of the set. */
export async function requireEncryptedTo(
  input: string | Uint8Array,
  set: RecipientSet,
): Promise<void> {
  const ids = await inspectEncryptedMessage(input);
  if (!ids) {
    throw new AppError(
      'not_encrypted',
      'Content must be an OpenPGP message encrypted in the browser.',
    );
  }
  const present = new Set(ids.map((id) => id.toLowerCase()));
  const missing = set.keyIds.filter(
    (alternatives) => !alternatives.some((id) => present.has(id.toLowerCase())),
  );
  if (missing.length > 0) {
    throw new AppError(
      'wrong_recipients',
      "The message is not encrypted to every current key of the unit and to the reporter's key; reload the page and try again.",
    );
  }
}
