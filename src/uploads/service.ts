// Files in numbered chunks, for a report's draft or a reporter's message: announce the file (its
// padded size and chunk count), then send chunk after chunk; any chunk may be sent again after a
// lost answer, and announcing the same file again resumes where the server stopped. A file is
// shown to nobody until its last chunk is in, and a follow-up message with files (a pending
// message) to nobody until its last file is in; an upload or pending message left a day is
// deleted (`dropStaleUploads`). Every chunk of a file repeats its first chunk's session-key
// packets byte for byte: one session key per file, so a grant stays one packet per file.
import { and, count, eq, gte, inArray, lt, notInArray } from 'drizzle-orm';
import { attachments, pendingMessages, reportDrafts, reports, uploads } from '../../db/schema';
import { excludedKeyIds } from '../cases/reach';
import { type Ctx, checksOf } from '../context';
import { type DraftToResume, dataPacketSchema, type UploadState } from '../contract/uploads';
import {
  bucketSize,
  CHUNK_BYTES,
  CHUNK_OVERHEAD,
  chunkCount,
  isPaddedSize,
  sameKeyPackets,
  wrappedKeys,
} from '../crypto';
import { fromBase64Url, sha256Hex, toBase64Url } from '../crypto/encoding';
import { addDays, toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { unknownReceipt } from '../receipts/access';
import { requireQuota } from '../receipts/quotas';
import { followUpWrites } from '../receipts/service';
import type { SubmissionAnswer } from '../reports/drafts';
import {
  type RecipientSet,
  recipientSet,
  recipientsFor,
  requireEncryptedTo,
} from '../reports/recipients';
import { finalReportWrites } from '../reports/rows';
import type { Write } from '../storage/db';

type Draft = typeof reportDrafts.$inferSelect;
type Report = typeof reports.$inferSelect;
type Upload = typeof uploads.$inferSelect;
type Pending = typeof pendingMessages.$inferSelect;

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

/** Files of a message that are in: a draft's attachments, or a pending message's finished uploads. */
async function filesIn(ctx: Ctx, messageId: string, pending = false): Promise<number> {
  const [row] = pending
    ? await ctx.db
        .select({ n: count() })
        .from(uploads)
        .where(and(eq(uploads.messageId, messageId), eq(uploads.received, uploads.chunks)))
    : await ctx.db
        .select({ n: count() })
        .from(attachments)
        .where(eq(attachments.messageId, messageId));
  return row?.n ?? 0;
}

/** The report's pending message `messageId`; files come only with a message that waits for them. */
async function pendingOf(ctx: Ctx, o: Owner, messageId: string): Promise<Pending> {
  const [m] = o.report
    ? await ctx.db
        .select()
        .from(pendingMessages)
        .where(and(eq(pendingMessages.id, messageId), eq(pendingMessages.reportId, o.report.id)))
    : [];
  if (!m) throw notFound('No message of this report is waiting for files.');
  return m;
}

/** The keys every chunk of a file for the message must be encrypted to (and no excluded one). */
async function recipientsOf(ctx: Ctx, o: Owner, pending: Pending | null): Promise<RecipientSet> {
  if (o.draft) {
    const d = o.draft;
    const units = d.copiedUnitId ? [d.unitId, d.copiedUnitId] : [d.unitId];
    const keyIds = JSON.parse(d.reporterKeyIds) as string[];
    const excluded = await excludedKeyIds(ctx, d.id);
    return recipientSet(ctx, units, { publicKey: d.reporterPublicKey, keyIds }, excluded);
  }
  return recipientsFor(ctx, o.report, pending?.kind === 'retaliation' ? 'retaliation' : 'message');
}

/**
 * What a reporter needs to finish a submission after a reload: the sealed report (sent again as
 * is, so the repeat is recognised), their locked key and where it goes. Drafts only.
 */
export async function draftToResume(ctx: Ctx, token: string): Promise<DraftToResume> {
  const o = await ownerOf(ctx, token);
  if (!o.draft) throw new AppError('conflict', 'This report is already complete.');
  const d = o.draft;
  return {
    unitId: d.unitId,
    copyToParent: d.copiedUnitId !== null,
    reporterPublicKey: d.reporterPublicKey,
    reporterLockedKey: d.reporterLockedKey,
    exclude: await excludedKeyIds(ctx, d.id),
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

/** The first chunk's data packet as kept (JSON the server wrote), or null before it. */
function dataOf(u: Upload): UploadState['data'] | null {
  if (!u.data) return null;
  const parsed = dataPacketSchema.safeParse(JSON.parse(u.data));
  return parsed.success ? parsed.data : null;
}

const stateOf = (u: Upload): UploadState => {
  const data = dataOf(u);
  return {
    uploadId: u.id,
    tag: u.tag,
    chunks: u.chunks,
    received: u.received,
    ...(u.keys ? { keys: u.keys } : {}),
    ...(data ? { data } : {}),
  };
};

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
async function checkSlot(ctx: Ctx, o: Owner, pending: Pending | null, s: StartUpload) {
  if (o.draft && s.messageId !== o.draft.messageId)
    throw notFound('No such message in this report.');
  const expected = o.draft ? o.draft.filesExpected : (pending?.filesExpected ?? 0);
  if (s.index >= expected)
    throw new AppError('conflict', `This message carries ${expected} files.`, { expected });
  const done = await filesIn(ctx, s.messageId, pending !== null);
  if (s.index < done) throw new AppError('conflict', 'This file is already complete.', { done });
  if (s.index > done)
    throw new AppError('conflict', `Send file ${done + 1} first: files go in order.`, { done });
}

/**
 * Announces a file, or finds the upload already under way for the same place and size (a
 * resume, after a lost connection or a reload): the answer says how many chunks are in. A
 * report's own files count against the report's limits (files and size per file); a follow-up's
 * against the receipt's daily quota.
 */
export async function startUpload(ctx: Ctx, token: string, s: StartUpload): Promise<UploadState> {
  checkAnnounced(ctx, s);
  const o = await ownerOf(ctx, token);
  const pending = o.report ? await pendingOf(ctx, o, s.messageId) : null;
  await checkSlot(ctx, o, pending, s);
  const [existing] = await ctx.db
    .select()
    .from(uploads)
    .where(and(eq(uploads.messageId, s.messageId), eq(uploads.position, s.index)));
  if (existing && existing.total === s.total) return stateOf(existing);
  // Another file chosen for this place: the unfinished one gives way.
  if (existing) await dropUpload(ctx, existing);
  if (o.report) await requireQuota(ctx, o.report.id, 'upload', s.total);
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
  /** For a pending follow-up: whether this file was its last, so supervisors see it now. */
  message?: { messageId: string; complete: boolean };
}

/** Plaintext bytes chunk `n` carries: all chunks are CHUNK_BYTES but the last. */
const plainOf = (u: Upload, n: number) =>
  n < u.chunks - 1 ? CHUNK_BYTES : u.total - (u.chunks - 1) * CHUNK_BYTES;

/** A chunk request once everything that needs no body is settled: whose, which upload, which chunk. */
export interface ChunkSlot {
  o: Owner;
  u: Upload;
  n: number;
}

/**
 * What can be settled before chunk `n`'s body is read: the token (an unknown one is refused), the
 * upload (another report's is answered like one that does not exist) and the order of chunks (a
 * chunk sent again, or too early, is refused with the count the server holds).
 */
export async function beginChunk(
  ctx: Ctx,
  token: string,
  uploadId: string,
  n: number,
): Promise<ChunkSlot> {
  const o = await ownerOf(ctx, token);
  const [u] = await ctx.db
    .select()
    .from(uploads)
    .where(and(eq(uploads.id, uploadId), eq(uploads.reportId, ownerId(o))));
  if (!u) throw notFound('No such upload. Announce the file again.');
  if (n !== u.received) {
    const what = n < u.received ? 'was already received' : 'comes too early: chunks go in order';
    throw new AppError('conflict', `Chunk ${n + 1} ${what}.`, { received: u.received });
  }
  return { o, u, n };
}

/** Stores the chunk of a request begun above; the last one finishes the file. */
export async function storeChunk(
  ctx: Ctx,
  slot: ChunkSlot,
  bytes: Uint8Array,
): Promise<ChunkAnswer> {
  const { o, u, n } = slot;
  const plain = plainOf(u, n);
  if (bytes.length < plain || bytes.length > plain + CHUNK_OVERHEAD) {
    throw new AppError(
      'invalid_request',
      `Chunk ${n + 1} does not have the size the file announced.`,
      { received: u.received },
    );
  }
  const pending = o.report ? await pendingOf(ctx, o, u.messageId) : null;
  const sealed = await checkKeys(ctx, o, pending, u, n, bytes);
  const last = n === u.chunks - 1;
  const store = await ctx.blobs.putChunk(u.id, u.store, n, bytes, last);
  const day = toDay(ctx.now());
  const next = { received: n + 1, bytes: u.bytes + bytes.length, store, ...sealed, day };
  // The pending message lives as long as its files keep arriving.
  if (pending && pending.day !== day)
    await ctx.db.update(pendingMessages).set({ day }).where(eq(pendingMessages.id, pending.id));
  if (!last) {
    const moved = await ctx.db
      .update(uploads)
      .set(next)
      .where(and(eq(uploads.id, u.id), eq(uploads.received, n)))
      .returning({ id: uploads.id });
    if (moved.length === 0)
      throw new AppError('conflict', `Chunk ${n + 1} was already received.`, { received: n + 1 });
    return stateOf({ ...u, ...next });
  }
  return finish(ctx, o, pending, { ...u, ...next });
}

/**
 * The first chunk is checked against the recipients and its session-key packets and data packet
 * header are kept; every later chunk must carry those packets byte for byte (the same session key,
 * the same recipients) and a data packet of the same version, cipher and AEAD mode (with a v6
 * session-key packet only the data packet names them: a chunk sealed otherwise would not open).
 */
async function checkKeys(
  ctx: Ctx,
  o: Owner,
  pending: Pending | null,
  u: Upload,
  n: number,
  bytes: Uint8Array,
): Promise<{ keys: string; data: string }> {
  const parts = wrappedKeys(bytes);
  if (!parts)
    throw new AppError(
      'not_encrypted',
      `Chunk ${n + 1} is not an OpenPGP message encrypted in the browser.`,
      { received: u.received },
    );
  if (n === 0) {
    await requireEncryptedTo(ctx, bytes, await recipientsOf(ctx, o, pending));
    return { keys: toBase64Url(parts.keyPackets), data: JSON.stringify(parts.data) };
  }
  // Later chunks: no plaintext behind the packets. Their recipients are the first chunk's (a key
  // approved meanwhile must not stop a long upload); the file's later readers get it by a grant.
  if (!(await checksOf(ctx).encryptedTo(bytes)))
    throw new AppError(
      'not_encrypted',
      `Chunk ${n + 1} is not an OpenPGP message encrypted in the browser.`,
      { received: u.received },
    );
  if (!u.keys || !sameKeyPackets(fromBase64Url(u.keys), parts.keyPackets))
    throw new AppError(
      'wrong_recipients',
      `Chunk ${n + 1} is not sealed with the file's key: every chunk of a file carries the first chunk's session-key packets.`,
      { received: u.received },
    );
  // An upload begun before the data packet was kept has none to compare.
  if (u.data && u.data !== JSON.stringify(parts.data))
    throw new AppError(
      'wrong_recipients',
      `Chunk ${n + 1} is not sealed like the first chunk: its data packet's version, cipher or AEAD mode differs.`,
      { received: u.received },
    );
  return { keys: u.keys, data: u.data };
}

const attachmentOf = (u: Upload) => ({
  id: u.id,
  reportId: u.reportId,
  messageId: u.messageId,
  position: u.position,
  size: u.bytes,
  day: u.day,
});

/**
 * The last chunk is in: the upload becomes an attachment and a draft's last file the report; a
 * pending message's file waits for the others, and the last one makes the message and all its
 * attachments visible at once.
 */
async function finish(
  ctx: Ctx,
  o: Owner,
  pending: Pending | null,
  u: Upload,
): Promise<ChunkAnswer> {
  await ctx.blobs.complete(u.id, u.store);
  const state = { ...stateOf(u), attachmentId: u.id };
  if (o.report) {
    if (!pending) throw notFound('No message of this report is waiting for files.');
    const done = u.position + 1 >= pending.filesExpected;
    if (!done) {
      await ctx.db
        .update(uploads)
        .set({
          received: u.received,
          bytes: u.bytes,
          store: u.store,
          keys: u.keys,
          data: u.data,
          day: u.day,
        })
        .where(eq(uploads.id, u.id));
      return { ...state, message: { messageId: pending.id, complete: false } };
    }
    const held = await ctx.db.select().from(uploads).where(eq(uploads.messageId, pending.id));
    const files = [...held.filter((h) => h.id !== u.id), u];
    const writes: Write[] = [
      ...(await followUpWrites(ctx, o.report, pending.kind, pending.id, pending.ciphertext)),
      ctx.db.insert(attachments).values(files.map(attachmentOf)),
      ctx.db.delete(uploads).where(eq(uploads.messageId, pending.id)),
      ctx.db.delete(pendingMessages).where(eq(pendingMessages.id, pending.id)),
    ];
    await ctx.storage.commit(writes as [Write, ...Write[]]);
    return { ...state, message: { messageId: pending.id, complete: true } };
  }
  const attach = ctx.db.insert(attachments).values(attachmentOf(u));
  const drop = ctx.db.delete(uploads).where(eq(uploads.id, u.id));
  const d = o.draft;
  const day = u.day;
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
 * Deletes uploads that received no chunk yesterday or today, with their chunks, and pending
 * messages whose files stopped arriving as long ago, with every upload they had: a day after it
 * stopped, nobody is coming back to finish it. Called by the daily housekeeping.
 */
export async function dropStaleUploads(ctx: Ctx): Promise<number> {
  const before = addDays(toDay(ctx.now()), -1);
  const live = ctx.db
    .select({ id: pendingMessages.id })
    .from(pendingMessages)
    .where(gte(pendingMessages.day, before));
  const stale = await ctx.db
    .select()
    .from(uploads)
    .where(and(lt(uploads.day, before), notInArray(uploads.messageId, live)));
  for (const u of stale) await dropUpload(ctx, u);
  const abandoned = await ctx.db
    .select({ id: pendingMessages.id })
    .from(pendingMessages)
    .where(lt(pendingMessages.day, before));
  await dropPending(
    ctx,
    abandoned.map((p) => p.id),
  );
  return stale.length + abandoned.length;
}

/** Deletes pending messages with whatever uploads they had (a deleted case's too). */
export async function dropPending(ctx: Ctx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const held = await ctx.db.select().from(uploads).where(inArray(uploads.messageId, ids));
  for (const u of held) await dropUpload(ctx, u);
  await ctx.db.delete(pendingMessages).where(inArray(pendingMessages.id, ids));
}

/** Deletes every unfinished upload and pending message of these reports or drafts (deleted). */
export async function dropUploadsOf(ctx: Ctx, reportIds: string[]): Promise<void> {
  if (reportIds.length === 0) return;
  const pending = await ctx.db
    .select({ id: pendingMessages.id })
    .from(pendingMessages)
    .where(inArray(pendingMessages.reportId, reportIds));
  await dropPending(
    ctx,
    pending.map((p) => p.id),
  );
  const left = await ctx.db.select().from(uploads).where(inArray(uploads.reportId, reportIds));
  for (const u of left) await dropUpload(ctx, u);
}
