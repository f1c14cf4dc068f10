// Finding a report from a lookup token. Every unknown token gets the same error, so the answer
// tells an attacker nothing about which receipts exist.
import { eq } from 'drizzle-orm';
import { reports } from '../../db/schema';
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
