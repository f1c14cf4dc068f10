// Handling retaliation flags: the per-unit view with ages against deadlines, and the forward-only
// state changes (received → acknowledged → protective measures taken → resolved), each audited.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { type FLAG_STATES, reports, retaliationFlags } from '../../db/schema';
import { logListRead } from '../audit/reads';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import { belowRelation, caseForActor, nowSeconds, type Relation, visibleTo } from '../cases/reach';
import { sortKey } from '../cases/sort-key';
import type { Ctx } from '../context';
import type { FlagStateResponse, RetaliationFlag } from '../contract/flags';
import { toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';

export type FlagState = (typeof FLAG_STATES)[number];

const dayDiff = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Flags on cases the signed-in key may see: addressed, copied or shared to its unit, or passed up. */
export async function listFlags(
  ctx: Ctx,
  actor: Actor,
  filter: { state?: FlagState | undefined; includeResolved?: boolean },
): Promise<RetaliationFlag[]> {
  await logListRead(ctx, actor, 'retaliation');
  const now = nowSeconds(ctx);
  const reach = visibleTo(actor.unitId, actor.id, now);
  const rows = await ctx.db
    .select({
      flag: retaliationFlags,
      caseState: reports.state,
      relation: sql<Relation>`CASE WHEN ${reports.unitId} = ${actor.unitId} THEN 'addressed'
        WHEN ${reports.copiedUnitId} = ${actor.unitId} THEN 'copied'
        ELSE ${belowRelation(actor.unitId, now)} END`,
    })
    .from(retaliationFlags)
    .innerJoin(reports, eq(retaliationFlags.reportId, reports.id))
    .where(
      and(
        reach,
        filter.state
          ? eq(retaliationFlags.state, filter.state)
          : filter.includeResolved
            ? undefined
            : ne(retaliationFlags.state, 'resolved'),
      ),
    )
    .orderBy(asc(retaliationFlags.dueBy), asc(retaliationFlags.id))
    .limit(500);
  const today = toDay(ctx.now());
  return rows.map(({ flag, caseState, relation }) => ({
    id: flag.id,
    reportId: flag.reportId,
    messageId: flag.messageId,
    state: flag.state,
    day: flag.day,
    dueBy: flag.dueBy,
    acknowledgedDay: flag.acknowledgedDay,
    resolvedDay: flag.resolvedDay,
    ageDays: dayDiff(flag.day, flag.resolvedDay ?? today),
    overdue: flag.state === 'received' && flag.dueBy < today,
    caseState,
    relation,
  }));
}

const ORDER: Record<FlagState, number> = {
  received: 0,
  acknowledged: 1,
  measures_taken: 2,
  resolved: 3,
};

export async function changeFlagState(
  ctx: Ctx,
  actor: Actor,
  flagId: string,
  next: FlagState,
): Promise<FlagStateResponse> {
  const [flag] = await ctx.db
    .select()
    .from(retaliationFlags)
    .where(eq(retaliationFlags.id, flagId))
    .limit(1);
  if (!flag) throw notFound('No such retaliation flag.');
  const { report } = await caseForActor(ctx, actor, flag.reportId).catch(() => {
    throw notFound('No such retaliation flag.');
  });
  if (ORDER[next] <= ORDER[flag.state])
    throw new AppError(
      'conflict',
      `The flag is already "${flag.state}"; states only move forward.`,
    );
  const day = toDay(ctx.now());
  const others = await ctx.db
    .select({ dueBy: retaliationFlags.dueBy })
    .from(retaliationFlags)
    .where(
      and(
        eq(retaliationFlags.reportId, report.id),
        ne(retaliationFlags.state, 'resolved'),
        ne(retaliationFlags.id, flagId),
      ),
    );
  const dues = [...others.map((o) => o.dueBy), ...(next === 'resolved' ? [] : [flag.dueBy])].sort();
  const order = sortKey({ ...report, openFlagDue: dues[0] ?? null });
  await withAudit(
    ctx,
    {
      actorId: actor.id,
      action: 'retaliation.state',
      unitId: actor.unitId,
      reportId: report.id,
      targetId: flagId,
      detail: { from: flag.state, to: next },
    },
    () => [
      ctx.db
        .update(retaliationFlags)
        .set({
          state: next,
          acknowledgedDay: flag.acknowledgedDay ?? day,
          ...(next === 'resolved' ? { resolvedDay: day } : {}),
        })
        .where(eq(retaliationFlags.id, flagId)),
      ctx.db.update(reports).set({ sortKey: order }).where(eq(reports.id, report.id)),
    ],
  );
  return { id: flagId, state: next, day };
}
