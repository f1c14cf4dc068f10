// Changes that need two people: a legal hold set or lifted (by those who work the case or an
// administrator), and the early deletion of a mistaken or abusive submission (two administrators).
// The first person's request waits in `case_requests`; a second, different person confirms it.
import { and, eq } from 'drizzle-orm';
import { caseRequests, reports, units } from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import { caseForActor } from '../cases/reach';
import type { Ctx } from '../context';
import type { RetentionResponse, TwoPersonStep } from '../contract/retention';
import { AppError, notFound } from '../lib/errors';
import { deleteCase } from './service';

type Kind = 'hold' | 'release' | 'delete';

async function reportOf(ctx: Ctx, actor: Actor, reportId: string) {
  if (actor.role === 'admin') {
    const [row] = await ctx.db.select().from(reports).where(eq(reports.id, reportId)).limit(1);
    if (!row) throw notFound('No such case.');
    return row;
  }
  return (await caseForActor(ctx, actor, reportId)).report;
}

async function pending(ctx: Ctx, reportId: string, kind: Kind) {
  const [row] = await ctx.db
    .select()
    .from(caseRequests)
    .where(and(eq(caseRequests.reportId, reportId), eq(caseRequests.kind, kind)))
    .limit(1);
  return row;
}

export type Step = TwoPersonStep;

/** First call asks, a second person's call carries it out. The same person twice is refused. */
async function twoPeople(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
  kind: Kind,
  carryOut: (unitId: string, requestedBy: string) => Promise<void>,
): Promise<Step> {
  const report = await reportOf(ctx, actor, reportId);
  if (kind === 'hold' && report.legalHold)
    throw new AppError('conflict', 'The case is already on hold.');
  if (kind === 'release' && !report.legalHold)
    throw new AppError('conflict', 'The case is not on hold.');
  const waiting = await pending(ctx, reportId, kind);
  if (!waiting) {
    const action = kind === 'delete' ? 'case.delete_request' : 'case.hold_request';
    await withAudit(
      ctx,
      { actorId: actor.id, action, unitId: report.unitId, reportId, detail: { kind } },
      () => [
        ctx.db
          .insert(caseRequests)
          .values({
            reportId,
            kind,
            requestedBy: actor.id,
            createdAt: Math.floor(ctx.now().getTime() / 1000),
          })
          .onConflictDoNothing(),
      ],
    );
    return { status: 'requested' };
  }
  if (waiting.requestedBy === actor.id) {
    throw new AppError('conflict', 'A second person must confirm this request.');
  }
  await carryOut(report.unitId, waiting.requestedBy);
  return { status: 'done' };
}

/** A legal hold on or off (`hold` true or false): suspends or resumes the case's deletion. */
export function legalHold(ctx: Ctx, actor: Actor, reportId: string, hold: boolean): Promise<Step> {
  const kind = hold ? 'hold' : 'release';
  return twoPeople(ctx, actor, reportId, kind, (unitId, requestedBy) =>
    withAudit(
      ctx,
      {
        actorId: actor.id,
        action: hold ? 'case.hold' : 'case.hold_release',
        unitId,
        reportId,
        detail: { requestedBy },
      },
      () => [
        ctx.db.update(reports).set({ legalHold: hold }).where(eq(reports.id, reportId)),
        ctx.db
          .delete(caseRequests)
          .where(and(eq(caseRequests.reportId, reportId), eq(caseRequests.kind, kind))),
      ],
    ),
  );
}

/** Early deletion by two administrators (the route admits administrators only). */
export function deleteEarly(ctx: Ctx, actor: Actor, reportId: string): Promise<Step> {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators delete early.');
  return twoPeople(ctx, actor, reportId, 'delete', async (_unitId, requestedBy) => {
    const report = await reportOf(ctx, actor, reportId);
    if (report.legalHold) throw new AppError('conflict', 'The case is on legal hold.');
    await deleteCase(ctx, reportId, {
      actorId: actor.id,
      reason: 'early',
      requestedBy: requestedBy,
    });
  });
}

/** An administrator sets a unit's retention period for closed cases (audited). */
export async function setRetention(
  ctx: Ctx,
  actor: Actor,
  unitId: string,
  months: number,
): Promise<RetentionResponse> {
  const [unit] = await ctx.db
    .select({ id: units.id })
    .from(units)
    .where(eq(units.id, unitId))
    .limit(1);
  if (!unit) throw notFound('No such unit.');
  await withAudit(
    ctx,
    { actorId: actor.id, action: 'unit.update', unitId, detail: { retentionMonths: months } },
    () => [ctx.db.update(units).set({ retentionMonths: months }).where(eq(units.id, unitId))],
  );
  return { unitId, retentionMonths: months };
}
