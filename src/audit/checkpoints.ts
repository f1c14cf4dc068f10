// Witnesses of the log kept outside the server: an auditor signs the head (count and hash) with
// their own key when they sign in; the checkpoint is stored, and kept by the auditor too. A
// later rewrite of the chain, however consistent, no longer extends it (`audit verify`). The head
// of each ended day is also published (public statistics) and given to notifications (dailyHead).
import { and, desc, eq, lt } from 'drizzle-orm';
import { auditCheckpoints, auditLog, supervisors } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { retiredKey, signatureCreated, verifyDetachedText } from '../crypto/keys';
import { toDay } from '../lib/days';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { auditDay, withAudit } from './service';

const TITLE = 'Whistleblower portal audit checkpoint';
export const CHECKPOINT_PURPOSE = 'audit-checkpoint';

export interface Head {
  entries: number;
  hash: string;
}

/** The text an auditor signs. Its purpose line keeps a sign-in signature from passing for it. */
export const checkpointText = (head: Head) =>
  [TITLE, `purpose: ${CHECKPOINT_PURPOSE}`, `entries: ${head.entries}`, `head: ${head.hash}`].join(
    '\n',
  );

export function parseCheckpoint(text: string): Head | null {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  if (lines.length !== 4 || lines[0] !== TITLE || lines[1] !== `purpose: ${CHECKPOINT_PURPOSE}`)
    return null;
  const entries = /^entries: ([1-9]\d{0,12})$/.exec(lines[2] ?? '')?.[1];
  const hash = /^head: ([0-9a-f]{64})$/.exec(lines[3] ?? '')?.[1];
  if (!entries || !hash) return null;
  return { entries: Number(entries), hash };
}

/**
 * True when `signature` is a valid detached signature over `text` by `publicKey`. openpgp.js
 * checks the key as it stood when the signature was made (so a key that has expired since still
 * verifies what it signed while valid); `date` only refuses a signature dated in the future.
 */
export const signedBy = (text: string, signature: string, publicKey: string, now = new Date()) =>
  verifyDetachedText({ text, signature, publicKey, date: now });

/** A key that may have signed a checkpoint: an auditor the database knows, or a witness file. */
export interface SignerKey {
  /** How to name it: `auditor Jane Doe` or `witness key ./jane.asc`. */
  name: string;
  fingerprint: string;
  publicKey: string;
  /** The entry that revoked (or rejected) it in the log; it can sign only heads before that. */
  closedAt: number | null;
}

const DAY_MS = 86_400_000;

/** Why a checkpoint is no witness: no key given signed it, or one did at a time it could not. */
export type SignerProblem = 'unsigned' | 'backdated' | 'revoked';

/**
 * Which of `keys` signed a checkpoint of `head`, judged at the checkpoint's own time, not today:
 * - the key must have been valid when it signed (openpgp.js, see signedBy), so a key that expired
 *   or was revoked afterwards still vouches for what it signed before;
 * - the signature may not be dated before the day of the entry it signs (`headAt`, seconds),
 *   less a day for the signer's clock: a head cannot be signed before it exists, so a key
 *   that has expired cannot sign a later head by backdating its signature;
 * - a key revoked in the log signs only heads older than its revocation: a head at or after the
 *   revocation entry did not exist while the key was valid, whatever date the signature claims;
 * - a key its holder retired or superseded (an OpenPGP revocation with that reason) vouches only
 *   for heads of days up to its retirement, signed before it; any other OpenPGP revocation
 *   (compromised, or no reason) leaves none of its signatures standing (openpgp.js).
 */
export async function checkpointSigner(
  checkpoint: { text: string; signature: string; head: Head },
  headAt: number | undefined,
  keys: SignerKey[],
  now: Date,
): Promise<{ signer: SignerKey } | { problem: string; reason: SignerProblem }> {
  const created = await signatureCreated(checkpoint.signature);
  if (!created) return { problem: 'its signature cannot be read', reason: 'unsigned' };
  for (const key of keys) {
    const by = `${key.name} (${key.fingerprint})`;
    // openpgp.js already lets a retired key's earlier signatures stand (a "soft" revocation is
    // checked at the signature's time); the key as it was also names a later one for what it is.
    const retired = await retiredKey(key.publicKey);
    const signed =
      (await signedBy(checkpoint.text, checkpoint.signature, key.publicKey, now)) ||
      (retired !== null &&
        (await signedBy(checkpoint.text, checkpoint.signature, retired.publicKey, now)));
    if (!signed) continue;
    // The signer dates its signature; the head's day it cannot: a head of a day after the
    // retirement was not there to sign while the key was in use.
    if (
      retired &&
      (created >= retired.at || (headAt !== undefined && headAt * 1000 > retired.at.getTime()))
    )
      return {
        problem: `signed by ${by} after its key was retired (${retired.at.toISOString().slice(0, 10)}): not a witness`,
        reason: 'revoked',
      };
    if (headAt !== undefined && created.getTime() < headAt * 1000 - DAY_MS)
      return {
        problem: `signed by ${by} with a date (${created.toISOString().slice(0, 10)}) before its entry ${checkpoint.head.entries} was written: backdated`,
        reason: 'backdated',
      };
    if (key.closedAt !== null && checkpoint.head.entries >= key.closedAt)
      return {
        problem: `signed by ${by} after its key was revoked at entry ${key.closedAt}: not a witness`,
        reason: 'revoked',
      };
    return { signer: key };
  }
  return { problem: 'not signed by any key given', reason: 'unsigned' };
}

/** The newest entry, or null for an empty log. */
export async function currentHead(ctx: Ctx): Promise<Head | null> {
  const [head] = await ctx.db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return head ? { entries: head.seq, hash: head.hash } : null;
}

/** The current head with the exact text an auditor signs for it, or null for an empty log. */
export async function headToSign(ctx: Ctx): Promise<(Head & { text: string }) | null> {
  const head = await currentHead(ctx);
  return head ? { ...head, text: checkpointText(head) } : null;
}

/**
 * The head as it stood at the end of the day before `now`: what the public statistics page and
 * the notifications to supervisors carry. Entries are dated by day, so this says nothing finer.
 */
export async function dailyHead(ctx: Ctx): Promise<{ hash: string; day: string } | null> {
  const today = auditDay(ctx.now());
  const [head] = await ctx.db
    .select({ hash: auditLog.hash })
    .from(auditLog)
    .where(lt(auditLog.at, today))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  if (!head) return null;
  // The hash alone: `audit verify --head` needs nothing more, and the count of entries would tell
  // an observer how many were written each day (with the daily sweep, how many reports arrived).
  return { hash: head.hash, day: toDay(new Date((today - 86_400) * 1000)) };
}

/** Stores an auditor's signed checkpoint of a head that is in the log, and audits it. */
export async function storeCheckpoint(
  ctx: Ctx,
  actor: Actor,
  input: { text: string; signature: string },
) {
  if (actor.role !== 'auditor')
    throw new AppError('forbidden', 'Only an auditor signs checkpoints of the audit log.');
  const head = parseCheckpoint(input.text);
  if (!head) throw new AppError('invalid_request', 'This is not an audit checkpoint text.');
  const [entry] = await ctx.db
    .select({ hash: auditLog.hash, at: auditLog.at })
    .from(auditLog)
    .where(eq(auditLog.seq, head.entries))
    .limit(1);
  if (entry?.hash !== head.hash)
    throw new AppError('conflict', 'This head is not in the audit log.');
  const [me] = await ctx.db
    .select({ publicKey: supervisors.publicKey })
    .from(supervisors)
    .where(and(eq(supervisors.id, actor.id), eq(supervisors.status, 'approved')))
    .limit(1);
  if (!me) throw new AppError('invalid_request', 'The signature does not verify with your key.');
  // Judged now as `audit verify` will judge it later, so that a checkpoint stored is not named then.
  const found = await checkpointSigner(
    { text: checkpointText(head), signature: input.signature, head },
    entry.at,
    [{ name: 'your key', fingerprint: actor.fingerprint, publicKey: me.publicKey, closedAt: null }],
    ctx.now(),
  );
  if ('problem' in found)
    throw new AppError(
      'invalid_request',
      found.reason === 'backdated'
        ? "The signature is dated before the head it signs: check your device's clock and sign again."
        : 'The signature does not verify with your key.',
    );
  const row = {
    id: newId(),
    seq: head.entries,
    hash: head.hash,
    signerId: actor.id,
    signerFingerprint: actor.fingerprint,
    text: checkpointText(head),
    signature: input.signature.trim(),
    day: toDay(ctx.now()),
  };
  await withAudit(
    ctx,
    {
      actorId: actor.id,
      action: 'audit.checkpoint',
      unitId: actor.unitId,
      targetId: row.id,
      detail: { entries: head.entries, head: head.hash, fingerprint: actor.fingerprint },
    },
    () => [ctx.db.insert(auditCheckpoints).values(row)],
  );
  return { id: row.id, ...head };
}
