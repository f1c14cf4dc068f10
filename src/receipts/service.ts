// What a reporter can do with their receipt: add a message or flag retaliation (with files, it
// waits as a pending message for src/uploads), and download their case's files.
import { and, count, eq, sql } from 'drizzle-orm';
import {
  attachments,
  caseEvents,
  messages,
  pendingMessages,
  reports,
  retaliationFlags,
  uploads,
} from '../../db/schema';
import { openFlagDue } from '../cases/records';
import { sortKey } from '../cases/sort-key';
import type { Ctx } from '../context';
import type { FlagResponse, MessageResponse } from '../contract/receipt';
import type { PendingMessages } from '../contract/uploads';
import { addDays, toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { recipientsFor, requireEncryptedTo } from '../reports/recipients';
import type { Write } from '../storage/db';
import type { ReportRow } from './access';

// Positions come from the same statement that inserts, so concurrent writers cannot collide.
const nextMessagePosition = (reportId: string) =>
  sql`(select coalesce(max(position), -1) + 1 from messages where report_id = ${reportId})`;
const nextEventPosition = (reportId: string) =>
  sql`(select coalesce(max(position), -1) + 1 from case_events where report_id = ${reportId})`;

export async function addMessage(
  ctx: Ctx,
  report: ReportRow,
  ciphertext: string,
): Promise<MessageResponse> {
  await requireEncryptedTo(ctx, ciphertext, await recipientsFor(ctx, report, 'message'));
  const id = newId();
  await ctx.db.insert(messages).values({
    id,
    reportId: report.id,
    position: nextMessagePosition(report.id),
    kind: 'message',
    ciphertext,
    day: toDay(ctx.now()),
  });
  return { messageId: id };
}

/**
 * A follow-up message (or flag) announced with `files` files: kept apart, seen by no supervisor,
 * until its last file is in (src/uploads), so nobody reads a message whose evidence is missing.
 */
export async function addPendingMessage(
  ctx: Ctx,
  report: ReportRow,
  kind: 'message' | 'retaliation',
  ciphertext: string,
  files: number,
) {
  const max = ctx.config.limits.attachmentsPerMessage;
  if (files > max) throw new AppError('conflict', `A message can carry at most ${max} files.`);
  await requireEncryptedTo(ctx, ciphertext, await recipientsFor(ctx, report, kind));
  const id = newId();
  await ctx.db.insert(pendingMessages).values({
    id,
    reportId: report.id,
    kind,
    ciphertext,
    filesExpected: files,
    day: toDay(ctx.now()),
  });
  return { messageId: id, pending: true };
}

/** The reporter's messages still waiting for files, to finish with the same files chosen again. */
export async function pendingMessagesOf(ctx: Ctx, report: ReportRow): Promise<PendingMessages> {
  const rows = await ctx.db
    .select()
    .from(pendingMessages)
    .where(eq(pendingMessages.reportId, report.id));
  const out = [];
  for (const r of rows) {
    const [done] = await ctx.db
      .select({ n: count() })
      .from(uploads)
      .where(and(eq(uploads.messageId, r.id), eq(uploads.received, uploads.chunks)));
    out.push({
      messageId: r.id,
      kind: r.kind,
      ciphertext: r.ciphertext,
      filesExpected: r.filesExpected,
      filesReceived: done?.n ?? 0,
    });
  }
  return { pending: out };
}

/** A flag raises the case, starts its own deadline and re-opens a closed case. */
export async function flagRetaliation(
  ctx: Ctx,
  report: ReportRow,
  ciphertext: string,
): Promise<FlagResponse> {
  await requireEncryptedTo(ctx, ciphertext, await recipientsFor(ctx, report, 'retaliation'));
  const messageId = newId();
  const { writes, flagId } = await flagWrites(ctx, report, messageId, ciphertext);
  await ctx.storage.commit(writes as [Write, ...Write[]]);
  return { messageId, flagId };
}

/** The writes that store a follow-up message now (a pending one too, once its files are in). */
export async function followUpWrites(
  ctx: Ctx,
  report: ReportRow,
  kind: 'message' | 'retaliation',
  messageId: string,
  ciphertext: string,
): Promise<Write[]> {
  if (kind === 'retaliation') return (await flagWrites(ctx, report, messageId, ciphertext)).writes;
  return [
    ctx.db.insert(messages).values({
      id: messageId,
      reportId: report.id,
      position: nextMessagePosition(report.id),
      kind: 'message',
      ciphertext,
      day: toDay(ctx.now()),
    }),
  ];
}

/** The flag's message, the flag, the case raised (and re-opened when closed), in one batch. */
async function flagWrites(ctx: Ctx, report: ReportRow, messageId: string, ciphertext: string) {
  const day = toDay(ctx.now());
  const flagId = newId();
  const reopen = report.state === 'closed';
  const dueBy = addDays(day, ctx.config.deadlines.retaliationDays);
  const earlier = await openFlagDue(ctx, report.id);
  const order = sortKey({
    ...report,
    state: reopen ? 'in_review' : report.state,
    openFlagDue: earlier && earlier < dueBy ? earlier : dueBy,
  });
  const writes: Write[] = [
    ctx.db.insert(messages).values({
      id: messageId,
      reportId: report.id,
      position: nextMessagePosition(report.id),
      kind: 'retaliation',
      ciphertext,
      day,
    }),
    ctx.db.insert(retaliationFlags).values({
      id: flagId,
      reportId: report.id,
      messageId,
      day,
      dueBy,
    }),
    ctx.db
      .update(reports)
      .set(
        reopen
          ? { retaliationFlagged: true, state: 'in_review', outcome: null, sortKey: order }
          : { retaliationFlagged: true, sortKey: order },
      )
      .where(eq(reports.id, report.id)),
    ...(reopen
      ? [
          ctx.db.insert(caseEvents).values({
            id: newId(),
            reportId: report.id,
            position: nextEventPosition(report.id),
            state: 'in_review',
            day,
          }),
        ]
      : []),
  ];
  return { writes, flagId };
}

export async function readAttachment(
  ctx: Ctx,
  reportId: string,
  attachmentId: string,
): Promise<ReadableStream<Uint8Array>> {
  const [row] = await ctx.db
    .select({ id: attachments.id })
    .from(attachments)
    .where(and(eq(attachments.id, attachmentId), eq(attachments.reportId, reportId)))
    .limit(1);
  const stream = row ? await ctx.blobs.stream(row.id) : null;
  if (!stream) throw notFound('No such attachment.');
  return stream;
}
