// Which cases a supervisor may see: those addressed to their unit, copied to it, or (once
// retaliation is flagged) those of the units directly below it. Anything else is "not found",
// exactly like a case that does not exist.
import { and, eq, min, ne } from 'drizzle-orm';
import { reports, retaliationFlags, units } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { notFound } from '../lib/errors';

export type ReportRow = typeof reports.$inferSelect;

export const caseNotFound = () => notFound('No such case.');

export async function parentOf(ctx: Ctx, unitId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ parentId: units.parentId })
    .from(units)
    .where(eq(units.id, unitId))
    .limit(1);
  return row?.parentId ?? null;
}

/** Every unit whose supervisors may read the case, addressed unit first. */
export async function caseUnits(ctx: Ctx, report: ReportRow): Promise<string[]> {
  const ids = [report.unitId];
  if (report.copiedUnitId) ids.push(report.copiedUnitId);
  if (report.retaliationFlagged) {
    const parent = await parentOf(ctx, report.unitId);
    if (parent && !ids.includes(parent)) ids.push(parent);
  }
  return ids;
}

export type Relation = 'addressed' | 'copied' | 'retaliation';

export async function relationTo(
  ctx: Ctx,
  actor: Actor,
  report: ReportRow,
): Promise<Relation | null> {
  if (report.unitId === actor.unitId) return 'addressed';
  if (report.copiedUnitId === actor.unitId) return 'copied';
  if (report.retaliationFlagged && (await parentOf(ctx, report.unitId)) === actor.unitId)
    return 'retaliation';
  return null;
}

export async function caseForActor(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
): Promise<{ report: ReportRow; relation: Relation }> {
  const [report] = await ctx.db.select().from(reports).where(eq(reports.id, reportId)).limit(1);
  const relation = report ? await relationTo(ctx, actor, report) : null;
  if (!report || !relation) throw caseNotFound();
  return { report, relation };
}

/** Due day of the earliest retaliation flag not yet resolved. */
export async function openFlagDue(ctx: Ctx, reportId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ due: min(retaliationFlags.dueBy) })
    .from(retaliationFlags)
    .where(and(eq(retaliationFlags.reportId, reportId), ne(retaliationFlags.state, 'resolved')));
  return row?.due ?? null;
}

export const childUnitsQuery = (ctx: Ctx, unitId: string) =>
  ctx.db.select({ id: units.id }).from(units).where(eq(units.parentId, unitId));
