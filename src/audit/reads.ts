// Reads that leave traces: the audit log itself, a page at a time (each page read is an entry),
// and the lists of cases a supervisor looks at (the inbox, the retaliation list, the cases due
// for deletion), once per person, list and day. A list is polled and paged all day long; an
// entry per request would bury the openings and downloads that trace a leak, and grow the public
// daily count with every refresh. What a list shows (which cases, states, deadlines, flags) is
// the same all day, so "this person looked at this list on this day" is what is worth keeping.
import { and, asc, eq, gt } from 'drizzle-orm';
import { auditLog, supervisors, units } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import type { AuditAction } from './actions';
import { auditDay, withAudit, withAuditMany } from './service';

/** The lists whose reading is logged, once per person and day each. */
export type CaseList = 'inbox' | 'retaliation' | 'retention';

/**
 * Logs that `actor` read `list` today, unless already logged. The check is made again against
 * the head the entry extends (withAuditMany), so two requests at once still log it once.
 */
export async function logListRead(ctx: Ctx, actor: Actor, list: CaseList): Promise<void> {
  const at = auditDay(ctx.now());
  const detail = { list };
  const logged = async () =>
    (
      await ctx.db
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.actorId, actor.id),
            eq(auditLog.action, 'case.list'),
            eq(auditLog.at, at),
            eq(auditLog.detail, JSON.stringify(detail)),
          ),
        )
        .limit(1)
    ).length > 0;
  if (await logged()) return;
  await withAuditMany(ctx, async () =>
    (await logged())
      ? []
      : [{ actorId: actor.id, action: 'case.list', unitId: actor.unitId, detail, at }],
  );
}

export interface LogQuery {
  after: number;
  limit: number;
  action?: AuditAction | undefined;
  reportId?: string | undefined;
}

/** A page of the log with names beside the ids, recorded as read before it is answered. */
export async function readAuditPage(ctx: Ctx, actor: Actor, q: LogQuery) {
  await withAudit(ctx, {
    actorId: actor.id,
    action: 'audit.read',
    unitId: actor.unitId,
    reportId: q.reportId ?? null,
    detail: { what: 'log', after: q.after, action: q.action ?? null },
  });
  const rows = await ctx.db
    .select({
      entry: auditLog,
      actorName: supervisors.displayName,
      unitName: units.name,
      unitNameZh: units.nameZh,
    })
    .from(auditLog)
    .leftJoin(supervisors, eq(supervisors.id, auditLog.actorId))
    .leftJoin(units, eq(units.id, auditLog.unitId))
    .where(
      and(
        gt(auditLog.seq, q.after),
        q.action ? eq(auditLog.action, q.action) : undefined,
        q.reportId ? eq(auditLog.reportId, q.reportId) : undefined,
      ),
    )
    .orderBy(asc(auditLog.seq))
    .limit(q.limit);
  const entries = rows.map(({ entry, ...names }) => ({
    ...entry,
    ...names,
    at: new Date(entry.at * 1000).toISOString(),
    detail: JSON.parse(entry.detail) as unknown,
  }));
  return {
    entries,
    next: rows.length === q.limit ? (rows[rows.length - 1]?.entry.seq ?? null) : null,
  };
}
