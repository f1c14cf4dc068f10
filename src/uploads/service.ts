// Files in numbered chunks, for a report's draft or a reporter's message: announce the file (its
// padded size and chunk count), then send chunk after chunk; any chunk may be sent again after a
// lost answer, and announcing the same file again resumes where the server stopped. A file is
// shown to nobody until its last chunk is in; an upload left a day is deleted (`dropStaleUploads`).
import { and, count, eq, lt } from 'drizzle-orm';
import { attachments, messages, reportDrafts, reports, uploads } from '../../db/schema';
import type { Ctx } from '../context';
import { bucketSize, CHUNK_BYTES, CHUNK_OVERHEAD, chunkCount, isPaddedSize } from '../crypto';
import { sha256Hex } from '../crypto/encoding';
import { addDays, toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { unknownReceipt } from '../receipts/access';
import { requireQuota } from '../receipts/quotas';
import type { SubmissionAnswer } from '../reports/drafts';
import {
  type RecipientSet,
  recipientSet,
  recipientsFor,
  requireEncryptedTo,
} from '../reports/recipients';
import { finalReportWrites } from '../reports/rows';

type Draft = typeof reportDrafts.$inferSelect;
type Report = typeof reports.$inferSelect;
type Upload = typeof uploads.$inferSelect;

/** Who a lookup token speaks for: a draft whose files are arriving, or a received report. */
type Owner = { draft: Draft; report?: undefined } | { report: Report; draft?: undefined };

async function ownerOf(ctx: Ctx, token: string): Promise<Owner> {
  const hash = await sha256Hex(token);
  const [draft] = await ctx.db.select().from(reportDrafts).where(eq(reportDrafts.lookupHash, hash));
  if (draft) return { draft };
  const [report] = await ctx.db.select().from(reports).where(eq(reports.lookupHash, hash));
  if (report) return { report };
  throw unknownReceipt();
}

const ownerId = (o: Owner) => (o.draft ? o.draft.id : o.report.id);

async function filesIn(ctx: Ctx, messageId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(attachments)
    .where(eq(attachments.messageId, messageId));
  return row?.n ?? 0;
}

/** The keys every chunk of a file for `messageId` must be encrypted to. */
async function recipientsOf(ctx: Ctx, o: Owner, messageId: string): Promise<RecipientSet> {
  if (o.draft) {
    const d = o.draft;
    const units = d.copiedUnitId ? [d.unitId, d.copiedUnitId] : [d.unitId];
    const keyIds = JSON.parse(d.reporterKeyIds) as string[];
    return recipientSet(ctx, units, { publicKey: d.reporterPublicKey, keyIds });
  }
  const [m] = await ctx.db
    .select({ kind: messages.kind })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.reportId, o.report.id)));
  if (!m) throw notFound('No such message in this report.');
  return recipientsFor(ctx, o.report, m.kind === 'retaliation' ? 'retaliation' : 'message');
}

/**
 * What a reporter needs to finish a submission after a reload: the sealed report (sent again as
 * is, so the repeat is recognised), their locked key and where it goes. Drafts only.
 */
export async function draftToResume(ctx: Ctx, token: string) {
  const o = await ownerOf(ctx, token);
  if (!o.draft) throw new AppError('conflict', 'This report is already complete.');
  const d = o.draft;
  return {
    unitId: d.unitId,
    copyToParent: d.copiedUnitId !== null,
    reporterPublicKey: d.reporterPublicKey,
    reporterLockedKey: d.reporterLockedKey,
    report: d.ciphertext,
    filesExpected: d.filesExpected,
    filesReceived: await filesIn(ctx, d.messageId),
  };
}

export interface StartUpload {
  messageId: string;
  index: number;
  total: number;
  chunks: number;
  tag: string;
}

export interface UploadState {
  uploadId: string;
  tag: string;
  chunks: number;
  received: number;
}

const stateOf = (u: Upload): UploadState => ({
  uploadId: u.id,
  tag: u.tag,
  chunks: u.chunks,
  received: u.received,
});

/** Checks what a file announces against the configured limit and the padding rule. */
function checkAnnounced(ctx: Ctx, s: StartUpload): void {
  const max = bucketSize(ctx.config.limits.attachmentBytes + 4096);
  if (s.total > max) {
    const mb = Math.round(ctx.config.limits.attachmentBytes / 1024 / 1024);
    throw new AppError('payload_too_large', `A file can be at most ${mb} MB.`, {
      maxBytes: ctx.config.limits.attachmentBytes,
    });
  }
  if (!isPaddedSize(s.total) || s.chunks !== chunkCount(s.total))
    throw new AppError(
      'invalid_request',
      'The announced size is not a padded size or its chunk count is wrong.',
    );
}

/** Checks that file `index` of the message may come now: the files before it are all in. */
async function checkSlot(ctx: Ctx, o: Owner, s: StartUpload): Promise<void> {
  const expected = o.draft ? o.draft.filesExpected : ctx.config.limits.attachmentsPerMessage;
  if (o.draft && s.messageId !== o.draft.messageId)
    throw notFound('No such message in this report.');
  if (s.index >= expected)
    throw new AppError('conflict', `A message can carry at most ${expected} files.`);
  const done = await filesIn(ctx, s.messageId);
  if (s.index < done) throw new AppError('conflict', 'This file is already complete.', { done });
  if (s.index > done)
    throw new AppError('conflict', `Send file ${done + 1} first: files go in order.`, { done });
}

/**
 * Announces a file, or finds the upload already under way for the same place and size (a
 * resume, after a lost connection or a reload): the answer says how many chunks are in.
 */
export async function startUpload(ctx: Ctx, token: string, s: StartUpload): Promise<UploadState> {
  checkAnnounced(ctx, s);
  const o = await ownerOf(ctx, token);
  await recipientsOf(ctx, o, s.messageId); // the message must be this reporter's
  await checkSlot(ctx, o, s);
  const [existing] = await ctx.db
    .select()
    .from(uploads)
    .where(and(eq(uploads.messageId, s.messageId), eq(uploads.position, s.index)));
  if (existing && existing.total === s.total) return stateOf(existing);
  // Another file chosen for this place: the unfinished one gives way.
  if (existing) await dropUpload(ctx, existing);
  await requireQuota(ctx, ownerId(o), 'upload', s.total);
  const id = newId();
  const store = await ctx.blobs.begin(id);
  const row = {
    id,
    reportId: ownerId(o),
    messageId: s.messageId,
    position: s.index,
    tag: s.tag,
    total: s.total,
    chunks: s.chunks,
    store,
    day: toDay(ctx.now()),
  };
  await ctx.db.insert(uploads).values(row);
  return { uploadId: id, tag: s.tag, chunks: s.chunks, received: 0 };
}

export interface ChunkAnswer extends UploadState {
  /** Set once the last chunk is in: the file is an attachment now. */
  attachmentId?: string;
  /** For a draft: the submission's state after this file (complete once its last file is in). */
  submission?: SubmissionAnswer;
}

/** Plaintext bytes chunk `n` carries: all chunks are CHUNK_BYTES but the last. */
const plainOf = (u: Upload, n: number) =>
  n < u.chunks - 1 ? CHUNK_BYTES : u.total - (u.chunks - 1) * CHUNK_BYTES;

/** Stores chunk `n` of an upload of the token's own report; the last one finishes the file. */
export async function putChunk(
  ctx: Ctx,
  token: string,
  uploadId: string,
  n: number,
  read: () => Promise<Uint8Array>,
): Promise<ChunkAnswer> {
  const o = await ownerOf(ctx, token);
  const [u] = await ctx.db
    .select()
    .from(uploads)
    .where(and(eq(uploads.id, uploadId), eq(uploads.reportId, ownerId(o))));
  // Another report's upload is answered like one that does not exist.
  if (!u) throw notFound('No such upload. Announce the file again.');
  if (n !== u.received) {
    const what = n < u.received ? 'was already received' : 'comes too early: chunks go in order';
    throw new AppError('conflict', `Chunk ${n + 1} ${what}.`, { received: u.received });
  }
  // Only now is the body read: a request for no upload of this receipt costs no memory.
  const bytes = await read();
  const plain = plainOf(u, n);
  if (bytes.length < plain || bytes.length > plain + CHUNK_OVERHEAD) {
    throw new AppError(
      'invalid_request',
      `Chunk ${n + 1} does not have the size the file announced.`,
      { received: u.received },
    );
  }
  await requireEncryptedTo(bytes, await recipientsOf(ctx, o, u.messageId));
  const last = n === u.chunks - 1;
  const store = await ctx.blobs.putChunk(u.id, u.store, n, bytes, last);
  const day = toDay(ctx.now());
  const next = { received: n + 1, bytes: u.bytes + bytes.length, store, day };
  if (!last) {
    const moved = await ctx.db
      .update(uploads)
      .set(next)
      .where(and(eq(uploads.id, u.id), eq(uploads.received, n)))
      .returning({ id: uploads.id });
    if (moved.length === 0)
      throw new AppError('conflict', `Chunk ${n + 1} was already received.`, { received: n + 1 });
    return { ...stateOf(u), received: n + 1 };
  }
  return finish(ctx, o, { ...u, ...next });
}

/** The last chunk is in: the upload becomes an attachment, and a draft's last file the report. */
async function finish(ctx: Ctx, o: Owner, u: Upload): Promise<ChunkAnswer> {
  await ctx.blobs.complete(u.id, u.store);
  const day = u.day;
  const attach = ctx.db.insert(attachments).values({
    id: u.id,
    reportId: u.reportId,
    messageId: u.messageId,
    position: u.position,
    size: u.bytes,
    day,
  });
  const drop = ctx.db.delete(uploads).where(eq(uploads.id, u.id));
  const state = { ...stateOf(u), attachmentId: u.id };
  if (!o.draft) {
    await ctx.storage.commit([attach, drop]);
    return state;
  }
  const d = o.draft;
  const lastFile = u.position + 1 >= d.filesExpected;
  await ctx.storage.commit([
    attach,
    drop,
    ...(lastFile
      ? [
          ...finalReportWrites(ctx, d, day),
          ctx.db.delete(reportDrafts).where(eq(reportDrafts.id, d.id)),
        ]
      : []),
  ]);
  const submission = {
    messageId: d.messageId,
    receivedDay: lastFile ? day : d.day,
    complete: lastFile,
    filesReceived: u.position + 1,
  };
  return { ...state, submission };
}

async function dropUpload(ctx: Ctx, u: Upload): Promise<void> {
  await ctx.db.delete(uploads).where(eq(uploads.id, u.id));
  await ctx.blobs.abort(u.id, u.store).catch(() => undefined);
}

/**
 * Deletes uploads that received no chunk yesterday or today, with their chunks: a day after it
 * stopped, nobody is coming back to finish it. Called by the daily housekeeping.
 */
export async function dropStaleUploads(ctx: Ctx): Promise<number> {
  const before = addDays(toDay(ctx.now()), -1);
  const stale = await ctx.db.select().from(uploads).where(lt(uploads.day, before));
  for (const u of stale) await dropUpload(ctx, u);
  return stale.length;
}
