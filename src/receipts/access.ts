// Finding a report from a lookup token. Every unknown token gets the same error, so the answer
// tells an attacker nothing about which receipts exist.
import { eq } from 'drizzle-orm';
import { deletedReceipts, reports } from '../../db/schema';
import type { Ctx } from '../context';
import { sha256Hex } from '../crypto/encoding';
import { AppError, notFound } from '../lib/errors';

export type ReportRow = typeof reports.$inferSelect;

export const unknownReceipt = () =>
  notFound('No report matches this receipt. Check the code and try again.');

/** The case was closed and, after its unit's retention period (or early, by two administrators), deleted. */
export const caseDeleted = () =>
  new AppError(
    'gone',
    'This case was closed and has since been deleted, as the unit’s retention rules require. Nothing of it can be read any more.',
  );

/** The error for a token that finds no case: "deleted" if its case was, else the usual one. */
export async function missingReceipt(ctx: Ctx, token: string): Promise<AppError> {
  const [deleted] = await ctx.db
    .select({ day: deletedReceipts.day })
    .from(deletedReceipts)
    .where(eq(deletedReceipts.lookupHash, await sha256Hex(token)))
    .limit(1);
  return deleted ? caseDeleted() : unknownReceipt();
}

export async function reportByToken(ctx: Ctx, token: string): Promise<ReportRow> {
  const hash = await sha256Hex(token);
  const [row] = await ctx.db.select().from(reports).where(eq(reports.lookupHash, hash)).limit(1);
  if (!row) throw await missingReceipt(ctx, token);
  return row;
}
