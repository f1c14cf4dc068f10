// A submission in several requests, made safe to repeat: the report (final, or a draft while its
// files arrive), then each file by its index. A repeat after a lost answer gets the first answer,
// so a retry never makes a second case, and the report reaches supervisors only when whole.
import { and, count, eq } from 'drizzle-orm';
import { attachments, messages, reportDrafts, reports } from '../../db/schema';
import { excludedKeyIds } from '../cases/reach';
import type { Ctx } from '../context';
import { sha256Hex } from '../crypto/encoding';
import { toDay } from '../lib/days';
import { AppError } from '../lib/errors';
import { DRAFT_DAYS } from '../lib/housekeeping';
import { newId } from '../lib/ids';
import { unknownReceipt } from '../receipts/access';
import { isUniqueViolation } from '../storage/db';
import { recipientSet, requireEncryptedTo } from './recipients';
import { finalReportWrites } from './rows';

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

type DraftRow = typeof reportDrafts.$inferSelect;

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

/** A file upload once everything that needs no body is known: answered already, or to store. */
export type DraftUpload =
  | { answered: SubmissionAnswer }
  | { answered: null; draft: DraftRow; received: number; index: number };

const draftAnswer = (
  draft: DraftRow,
  filesReceived: number,
  complete: boolean,
  day = draft.day,
) => ({
  messageId: draft.messageId,
  receivedDay: day,
  complete,
  filesReceived,
});

/**
 * What can be settled before the body of file `index` is read: the token (an unknown one is
 * refused), a repeat of a stored file (answered again) and the order of files.
 */
export async function beginDraftFile(ctx: Ctx, token: string, index: number): Promise<DraftUpload> {
  const lookupHash = await sha256Hex(token);
  const [draft] = await ctx.db
    .select()
    .from(reportDrafts)
    .where(eq(reportDrafts.lookupHash, lookupHash))
    .limit(1);
  if (!draft) return { answered: await alreadyFinal(ctx, lookupHash, index) };
  const received = await filesOf(ctx, draft.messageId);
  if (index < received) return { answered: draftAnswer(draft, received, false) };
  if (index > received)
    throw new AppError('conflict', `Send file ${received + 1} first: files go in order.`);
  // The report's own files are held to its limits (files announced, size per file), not to the
  // follow-up quota of FOLLOWUP_MB_PER_DAY.
  return { answered: null, draft, received, index };
}

/** Stores the file of an upload begun above; the last one turns the draft into the report in the
 * same batch. A file already stored is acknowledged again without a second copy. */
export async function storeDraftFile(
  ctx: Ctx,
  upload: Extract<DraftUpload, { answered: null }>,
  bytes: Uint8Array,
): Promise<SubmissionAnswer> {
  const { draft, received, index } = upload;
  const units = draft.copiedUnitId ? [draft.unitId, draft.copiedUnitId] : [draft.unitId];
  const reporter = {
    publicKey: draft.reporterPublicKey,
    keyIds: JSON.parse(draft.reporterKeyIds) as string[],
  };
  const excluded = await excludedKeyIds(ctx, draft.id);
  await requireEncryptedTo(bytes, await recipientSet(ctx, units, reporter, excluded));
  const id = newId();
  const day = toDay(ctx.now());
  await ctx.blobs.put(id, bytes);
  const attach = ctx.db.insert(attachments).values({
    id,
    reportId: draft.id,
    messageId: draft.messageId,
    position: received,
    size: bytes.length,
    day,
  });
  const last = received + 1 >= draft.filesExpected;
  try {
    if (!last) await attach;
    else
      await ctx.storage.commit([
        attach,
        ...finalReportWrites(ctx, draft, day),
        ctx.db.delete(reportDrafts).where(eq(reportDrafts.id, draft.id)),
      ]);
  } catch (err) {
    await ctx.blobs.delete(id).catch(() => undefined);
    // Two copies of the same file raced: the other one stored it (or finished the report).
    if (isUniqueViolation(err, 'reports')) return alreadyFinal(ctx, draft.lookupHash, index);
    throw err;
  }
  return draftAnswer(draft, received + 1, last, last ? day : draft.day);
}

/** Stores file `index` of the draft behind `token` (both steps above, for callers with the bytes). */
export async function addDraftFile(
  ctx: Ctx,
  token: string,
  index: number,
  bytes: Uint8Array,
): Promise<SubmissionAnswer> {
  const upload = await beginDraftFile(ctx, token, index);
  return upload.answered ?? storeDraftFile(ctx, upload, bytes);
}

/** A file sent again after its report was finished: acknowledged, nothing stored. */
async function alreadyFinal(
  ctx: Ctx,
  lookupHash: string,
  index: number,
): Promise<SubmissionAnswer> {
  const first = await firstMessage(ctx, lookupHash);
  if (!first) throw unknownReceipt();
  const filesReceived = await filesOf(ctx, first.id);
  if (index >= filesReceived) throw new AppError('conflict', 'This report is already complete.');
  return { messageId: first.id, receivedDay: first.day, complete: true, filesReceived };
}
