// Writing the audit trail in the same atomic batch as the change it records. Appends race
// optimistically: `seq` and `prev_hash` are unique, so a lost race fails the whole batch, which
// is then retried on the new head. Works alike on libSQL and D1, which both run batches atomically.

import { asc, desc, gt } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { auditLog } from '../../db/schema';
import type { Ctx } from '../context';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { isUniqueViolation } from '../storage/db';
import type { AuditAction } from './actions';
import { type ChainedEntry, entryHash, GENESIS_HASH, verifyChain } from './chain';

export interface AuditEvent {
  actorId: string | null;
  action: AuditAction;
  unitId?: string | null;
  reportId?: string | null;
  targetId?: string | null;
  /** Metadata only (states, roles, counts): never content, never a network identifier. */
  detail?: Record<string, string | number | boolean | null>;
  /** Seconds since the epoch, a multiple of a day; by default the start of today (UTC). */
  at?: number;
}

const MAX_ATTEMPTS = 8;

/**
 * An entry's time: 00:00 UTC of its day. A supervisor's opening of a case, to the second, would
 * date the case's arrival; days, with arrivals chained after their day (arrivals.ts), do not.
 */
export const auditDay = (now: Date) => Math.floor(now.getTime() / 86_400_000) * 86_400;

/**
 * Events to append: fixed, or decided by a function that runs after the head is read, so that what
 * it finds ("not yet logged today") holds for the head the batch extends; a concurrent append
 * makes the batch fail on `seq`, and the retry asks again.
 */
export type AuditEvents = AuditEvent[] | (() => Promise<AuditEvent[]>);

async function nextEntries(ctx: Ctx, wanted: AuditEvents): Promise<ChainedEntry[]> {
  const [head] = await ctx.db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const events = typeof wanted === 'function' ? await wanted() : wanted;
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const out: ChainedEntry[] = [];
  for (const event of events) {
    const fields = {
      id: newId(),
      seq: ++seq,
      at: event.at ?? auditDay(ctx.now()),
      actorId: event.actorId,
      action: event.action,
      unitId: event.unitId ?? null,
      reportId: event.reportId ?? null,
      targetId: event.targetId ?? null,
      detail: JSON.stringify(event.detail ?? {}),
      prevHash,
    };
    const entry = { ...fields, hash: await entryHash(fields) };
    out.push(entry);
    prevHash = entry.hash;
  }
  return out;
}

/**
 * Runs `changes` and appends `event` atomically. `changes` is a function so that statements that
 * depend on fresh reads can be rebuilt on a retry.
 */
export function withAudit(
  ctx: Ctx,
  event: AuditEvent,
  changes: () => BatchItem<'sqlite'>[] = () => [],
): Promise<void> {
  return withAuditMany(ctx, [event], changes);
}

/** Like `withAudit`, for several entries chained one after the other in the same batch. */
export async function withAuditMany(
  ctx: Ctx,
  events: AuditEvents,
  changes: () => BatchItem<'sqlite'>[] = () => [],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const entries = await nextEntries(ctx, events);
    try {
      const inserts = entries.map((e) => ctx.db.insert(auditLog).values(e));
      // Nothing left to log (another request logged it): no unaudited change runs either.
      if (entries.length === 0 && typeof events === 'function') return;
      const [first, ...rest] = [...inserts, ...changes()];
      if (!first) return;
      await ctx.db.batch([first, ...rest]);
      return;
    } catch (err) {
      if (!isUniqueViolation(err, 'audit_log') || attempt >= MAX_ATTEMPTS) {
        if (isUniqueViolation(err, 'audit_log'))
          throw new AppError('unavailable', 'The server is busy; please try again.');
        throw err;
      }
    }
  }
}

/** Reads the log in `seq` order, a page at a time, so verifying a long log stays in bounded memory. */
export async function* readLog(ctx: Ctx, pageSize = 1000): AsyncGenerator<ChainedEntry> {
  let after = 0;
  for (;;) {
    const rows = await ctx.db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, after))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    for (const row of rows) yield row;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.seq;
  }
}

export const verifyAuditLog = (ctx: Ctx) => verifyChain(readLog(ctx));
