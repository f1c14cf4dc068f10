// Witnesses of the log kept outside the server: an auditor signs the head (count and hash) with
// their own key when they sign in; the checkpoint is stored, and kept by the auditor too. A
// later rewrite of the chain, however consistent, no longer extends it (`audit verify`). The head
// of each ended day is also published (public statistics) and given to notifications (dailyHead).
import { and, desc, eq, lt } from 'drizzle-orm';
import { auditCheckpoints, auditLog, supervisors } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { verifyDetachedText } from '../crypto/keys';
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

/** True when `signature` is a valid detached signature over `text` by `publicKey`. */
export const signedBy = (text: string, signature: string, publicKey: string) =>
  verifyDetachedText({ text, signature, publicKey, date: new Date() });

/** The newest entry, or null for an empty log. */
export async function currentHead(ctx: Ctx): Promise<Head | null> {
  const [head] = await ctx.db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return head ? { entries: head.seq, hash: head.hash } : null;
}

/**
 * The head as it stood at the end of the day before `now`: what the public statistics page and
 * the notifications to supervisors carry. Entries are dated by day, so this says nothing finer.
 */
export async function dailyHead(ctx: Ctx): Promise<(Head & { day: string }) | null> {
  const today = auditDay(ctx.now());
  const [head] = await ctx.db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(lt(auditLog.at, today))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  if (!head) return null;
  return { entries: head.seq, hash: head.hash, day: toDay(new Date((today - 86_400) * 1000)) };
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
    .select({ hash: auditLog.hash })
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
  if (!me || !(await signedBy(checkpointText(head), input.signature, me.publicKey)))
    throw new AppError('invalid_request', 'The signature does not verify with your key.');
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
