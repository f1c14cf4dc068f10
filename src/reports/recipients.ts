// Who must be able to read what a reporter writes, and the check that a ciphertext really is
// encrypted to all of them. The server cannot read it; it can refuse one that others can't.
import type { reports } from '../../db/schema';
import { caseFacts, type ReportRow } from '../cases/reach';
import { type Ctx, checksOf } from '../context';
import { hasReader, type Purpose, recipientUnits } from '../contract/reach';
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
  /** Key IDs of keys the reporter excluded: a message naming any of them is refused. */
  forbiddenKeyIds: string[];
}

/** Builds the set from unit keys already read, in unit order, plus the reporter's key. */
export function recipientsFrom(
  unitIds: string[],
  byUnit: Map<string, UnitKey[]>,
  reporter: ReporterKey,
  excluded: string[] = [],
): RecipientSet {
  const seen = new Set<string>();
  const all = unitIds.flatMap((id) => byUnit.get(id) ?? []);
  const unitKeys = all
    .filter((k) => !excluded.includes(k.id))
    .filter((k) => !seen.has(k.fingerprint) && seen.add(k.fingerprint));
  return {
    publicKeys: [...unitKeys.map((k) => k.publicKey), reporter.publicKey],
    keyIds: [...unitKeys.map((k) => k.encryptionKeyIds), reporter.keyIds],
    forbiddenKeyIds: all.filter((k) => excluded.includes(k.id)).flatMap((k) => k.encryptionKeyIds),
  };
}

/**
 * As `recipientsFrom`, refusing a set without a reader: nobody but the reporter could read what
 * is sent (a unit without readers passes it up, so this means the top of the tree is empty). A
 * recovery key does not count (`hasReader`): it is an escrow kept offline, opened only when every
 * reader's key is lost.
 */
export function readableRecipients(
  unitIds: string[],
  byUnit: Map<string, UnitKey[]>,
  reporter: ReporterKey,
  excluded: string[] = [],
): RecipientSet {
  const set = recipientsFrom(unitIds, byUnit, reporter, excluded);
  const keys = unitIds.flatMap((id) => byUnit.get(id) ?? []);
  if (!hasReader(keys, excluded)) {
    throw new AppError(
      'conflict',
      'No unit that sees this case has an active supervisor key: nobody could read it (a recovery key is kept offline and reads nothing until a recovery). An administrator must approve a supervisor key for the unit, or for the unit above it.',
    );
  }
  return set;
}

/** Keys of the given units (in order), less the excluded ones, plus the reporter's key. */
export async function recipientSet(
  ctx: Ctx,
  unitIds: string[],
  reporter: ReporterKey,
  excluded: string[] = [],
): Promise<RecipientSet> {
  return readableRecipients(unitIds, await activeKeys(ctx, unitIds), reporter, excluded);
}

/** The set what is written about a case for `purpose` must be encrypted to (cases/reach.ts). */
export async function recipientsFor(
  ctx: Ctx,
  report: ReportRow,
  purpose: Purpose,
): Promise<RecipientSet> {
  const facts = await caseFacts(ctx, report);
  return recipientSet(
    ctx,
    recipientUnits(facts, purpose),
    reporterKeyOf(report),
    facts.excludedKeyIds,
  );
}

/** Refuses anything that is not an OpenPGP message encrypted to every key of the set. */
export async function requireEncryptedTo(
  ctx: Ctx,
  input: string | Uint8Array,
  set: RecipientSet,
): Promise<void> {
  requireNamed(await checksOf(ctx).encryptedTo(input), set);
}

/**
 * Refuses a message whose check (`Checks.encryptedTo`) found no OpenPGP encrypted message, or
 * found one that does not name every key of the set, or names a key the reporter excluded.
 */
export function requireNamed(ids: string[] | null, set: RecipientSet): void {
  if (!ids) {
    throw new AppError(
      'not_encrypted',
      'Content must be an OpenPGP message encrypted in the browser.',
    );
  }
  const present = new Set(ids.map((id) => id.toLowerCase()));
  if (set.forbiddenKeyIds.some((id) => present.has(id.toLowerCase()))) {
    throw new AppError(
      'wrong_recipients',
      'The message is encrypted to a key the reporter excluded from this case; reload the page and try again.',
    );
  }
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
