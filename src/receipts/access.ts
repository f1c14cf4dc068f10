// Finding a report from a lookup token. Every unknown token gets the same error, so the answer
// tells an attacker nothing about which receipts exist.
import { eq } from 'drizzle-orm';
import { reports, units } from '../../db/schema';
import type { Ctx } from '../context';
import { sha256Hex } from '../crypto/encoding';
import { notFound } from '../lib/errors';

export type ReportRow = typeof reports.$inferSelect;

export const unknownReceipt = () =>
  notFound('No report matches this receipt. Check the code and try again.');

export async function reportByToken(ctx: Ctx, token: string): Promise<ReportRow> {
  const hash = await sha256Hex(token);
  const [row] = await ctx.db.select().from(reports).where(eq(reports.lookupHash, hash)).limit(1);
  if (!row) throw unknownReceipt();
  return row;
}

/** Units whose keys must read ordinary follow-up: the addressed unit and any copied unit. */
export function messageUnits(report: ReportRow): string[] {
  return report.copiedUnitId ? [report.unitId, report.copiedUnitId] : [report.unitId];
}

/** Retaliation also goes to the unit above, because retaliation often comes from inside. */
export async function retaliationUnits(ctx: Ctx, report: ReportRow): Promise<string[]> {
  const [unit] = await ctx.db
    .select({ parentId: units.parentId })
    .from(units)
    .where(eq(units.id, report.unitId));
  const ids = messageUnits(report);
  if (unit?.parentId && !ids.includes(unit.parentId)) ids.push(unit.parentId);
  return ids;
}
