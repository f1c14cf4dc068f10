// A submission in several requests, made safe to repeat: the report (final, or a draft while its
// files arrive through /api/uploads, src/uploads). A repeat after a lost answer gets the first
// answer, so a retry never makes a second case, and the report reaches supervisors only when whole.
import { and, count, eq } from 'drizzle-orm';
import { attachments, messages, reportDrafts, reports } from '../../db/schema';
import type { Ctx } from '../context';
import { sha256Hex } from '../crypto/encoding';
import { AppError } from '../lib/errors';
import { DRAFT_DAYS } from '../lib/housekeeping';

/** What a submission request is answered with, the first time and every time after. */
export interface SubmissionAnswer {
  messageId: string;
  receivedDay: string;
  /** True once the report and all its files are in and supervisors can see it. */
  complete: boolean;
  /** Files stored so far, in order: the client goes on from this index. */
  filesReceived: number;
}

async function filesOf(ctx: Ctx, messageId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(attachments)
    .where(eq(attachments.messageId, messageId));
  return row?.n ?? 0;
}

/** The report message of the final report behind a lookup hash, if there is one. */
async function firstMessage(ctx: Ctx, lookupHash: string) {
  const [first] = await ctx.db
    .select({ id: messages.id, ciphertext: messages.ciphertext, day: reports.receivedDay })
    .from(reports)
    .innerJoin(messages, and(eq(messages.reportId, reports.id), eq(messages.position, 0)))
    .where(eq(reports.lookupHash, lookupHash))
    .limit(1);
  return first;
}

/**
 * The earlier answer when this receipt's report (or draft) already holds exactly this
 * ciphertext; null when the receipt is new. A different report under the same receipt is refused.
 */
export async function repeatedSubmission(
  ctx: Ctx,
  lookupHash: string,
  ciphertext: string,
): Promise<SubmissionAnswer | null> {
  const [draft] = await ctx.db
    .select()
    .from(reportDrafts)
    .where(eq(reportDrafts.lookupHash, lookupHash))
    .limit(1);
  if (draft) {
    if (draft.ciphertext !== ciphertext) throw receiptTaken();
    const filesReceived = await filesOf(ctx, draft.messageId);
    return { messageId: draft.messageId, receivedDay: draft.day, complete: false, filesReceived };
  }
  const first = await firstMessage(ctx, lookupHash);
  if (!first) return null;
  if (first.ciphertext !== ciphertext) throw receiptTaken();
  const filesReceived = await filesOf(ctx, first.id);
  return { messageId: first.id, receivedDay: first.day, complete: true, filesReceived };
}

export const receiptTaken = () =>
  new AppError('conflict', 'Generate a new receipt and submit again.');

/**
 * Asked with the receipt of a report whose files did not all arrive: it reaches nobody yet, so the
 * follow-up page says so, and how to finish it, instead of "no report matches". Null: no draft.
 */
export async function unfinishedReport(ctx: Ctx, token: string) {
  const [draft] = await ctx.db
    .select({ expected: reportDrafts.filesExpected, messageId: reportDrafts.messageId })
    .from(reportDrafts)
    .where(eq(reportDrafts.lookupHash, await sha256Hex(token)))
    .limit(1);
  if (!draft) return null;
  const received = await filesOf(ctx, draft.messageId);
  return new AppError(
    'conflict',
    `This report is not finished: ${received} of its ${draft.expected} files arrived, and it reaches the unit only when all are in. Send it again from the report page where you wrote it: it continues where it stopped. An unfinished report is deleted after ${DRAFT_DAYS} days.`,
    { unfinished: { filesReceived: received, filesExpected: draft.expected, days: DRAFT_DAYS } },
  );
}
