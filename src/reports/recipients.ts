// Who must be able to read what a reporter writes, and the check that a ciphertext really is
// encrypted to all of them. The server cannot read it; it can refuse one that others can't.
import type { reports } from '../../db/schema';
import { type ReportRow, recipientUnitIds } from '../cases/reach';
import type { Ctx } from '../context';
import { type Purpose, unitHealth } from '../contract/reach';
import { inspectEncryptedMessage } from '../crypto';
import { AppError } from '../lib/errors';
import { activeKeys, type UnitKey } from '../units/service';

export interface ReporterKey {
  publicKey: string;
  /** Key IDs (hex) of the key's encryption subkeys. */
  keyIds: string[];
}

export const reporterKeyOf = (report: typeof reports.$inferSelect): ReporterKey => ({
  publicKey: report.reporterPublicKey,
  keyIds: JSON.parse(report.reporterKeyIds) as string[],
});

export interface RecipientSet {
  /** Armored public keys, each unit's then the reporter's. */
  publicKeys: string[];
  /** For each required key, the key IDs any one of which satisfies it. */
  keyIds: string[][];
}

/** Builds the set from unit keys already read, in unit order, plus the reporter's key. */
export function recipientsFrom(
  unitIds: string[],
  byUnit: Map<string, UnitKey[]>,
  reporter: ReporterKey,
): RecipientSet {
  const seen = new Set<string>();
  const unitKeys = unitIds
    .flatMap((id) => byUnit.get(id) ?? [])
    .filter((k) => !seen.has(k.fingerprint) && seen.add(k.fingerprint));
  return {
    publicKeys: [...unitKeys.map((k) => k.publicKey), reporter.publicKey],
    keyIds: [...unitKeys.map((k) => k.encryptionKeyIds), reporter.keyIds],
  };
}

/**
 * As `recipientsFrom`, refusing a first unit without a reader: nobody could act on what is sent.
 * A recovery key does not count (unitHealth): it is an escrow kept offline, opened only when every
 * reader's key is lost, so a unit that has only it has nobody who reads.
 */
export function readableRecipients(
  unitIds: string[],
  byUnit: Map<string, UnitKey[]>,
  reporter: ReporterKey,
): RecipientSet {
  if (unitIds.length > 0 && unitHealth(byUnit.get(unitIds[0]!) ?? []).readers === 0) {
    throw new AppError(
      'conflict',
      'This unit has no active supervisor keys and cannot receive reports yet (a recovery key is kept offline and reads nothing until a recovery).',
    );
  }
  return recipientsFrom(unitIds, byUnit, reporter);
}

/** Keys of the given units (in order) plus the reporter's key. The first unit must have keys. */
export async function recipientSet(
  ctx: Ctx,
  unitIds: string[],
  reporter: ReporterKey,
): Promise<RecipientSet> {
  return readableRecipients(unitIds, await activeKeys(ctx, unitIds), reporter);
}

/** The set what is written about a case for `purpose` must be encrypted to (cases/reach.ts). */
export async function recipientsFor(
  ctx: Ctx,
  report: ReportRow,
  purpose: Purpose,
): Promise<RecipientSet> {
  return recipientSet(ctx, await recipientUnitIds(ctx, report, purpose), reporterKeyOf(report));
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
