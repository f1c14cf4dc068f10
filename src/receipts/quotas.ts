// Per-receipt daily quotas on follow-ups: messages, flags and bytes a reporter may add in one UTC
// day. One receipt must not be able to fill the disk or bury a unit in retaliation flags.
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { attachments, messages, pendingMessages, retaliationFlags, uploads } from '../../db/schema';
import type { Ctx } from '../context';
import type { FollowUpQuota } from '../contract/terms';
import { toDay } from '../lib/days';
import { BusyError } from '../lib/errors';

export type FollowUp = 'message' | 'flag' | 'upload';

/** Seconds until the next UTC day, when every quota starts again. */
function untilTomorrow(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** What this receipt added today: follow-up messages, flags, and bytes of both plus files. */
async function usedToday(ctx: Ctx, reportId: string, day: string) {
  const [written] = await ctx.db
    .select({
      messages: sql<number>`count(*) filter (where ${messages.kind} = 'message')`,
      bytes: sql<number>`coalesce(sum(length(${messages.ciphertext})), 0)`,
    })
    .from(messages)
    .where(
      and(
        eq(messages.reportId, reportId),
        eq(messages.day, day),
        inArray(messages.kind, ['message', 'retaliation']),
      ),
    );
  const [flags] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(retaliationFlags)
    .where(and(eq(retaliationFlags.reportId, reportId), eq(retaliationFlags.day, day)));
  // Messages still waiting for their files count as sent.
  const [waiting] = await ctx.db
    .select({
      messages: sql<number>`count(*) filter (where ${pendingMessages.kind} = 'message')`,
      bytes: sql<number>`coalesce(sum(length(${pendingMessages.ciphertext})), 0)`,
    })
    .from(pendingMessages)
    .where(and(eq(pendingMessages.reportId, reportId), eq(pendingMessages.day, day)));
  // The report's own files are held to the report's limits, not to the follow-up quota.
  const reportMessage = ctx.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.reportId, reportId), eq(messages.kind, 'report')));
  const [files] = await ctx.db
    .select({ bytes: sql<number>`coalesce(sum(${attachments.size}), 0)` })
    .from(attachments)
    .where(
      and(
        eq(attachments.reportId, reportId),
        eq(attachments.day, day),
        notInArray(attachments.messageId, reportMessage),
      ),
    );
  // Files still arriving count at their announced size, so parallel uploads cannot pass the quota.
  const [arriving] = await ctx.db
    .select({ bytes: sql<number>`coalesce(sum(${uploads.total}), 0)` })
    .from(uploads)
    .where(and(eq(uploads.reportId, reportId), eq(uploads.day, day)));
  return {
    messages: Number(written?.messages ?? 0) + Number(waiting?.messages ?? 0),
    flags: Number(flags?.n ?? 0),
    bytes:
      Number(written?.bytes ?? 0) +
      Number(waiting?.bytes ?? 0) +
      Number(files?.bytes ?? 0) +
      Number(arriving?.bytes ?? 0),
  };
}

/**
 * Refuses a follow-up beyond today's quota with 429 and Retry-After (seconds to the next UTC
 * day). `bytes` is what the request brings; it is checked before the body is read, as announced.
 */
export async function requireQuota(ctx: Ctx, reportId: string, kind: FollowUp, bytes: number) {
  const q = ctx.config.abuse.followUp;
  const now = ctx.now();
  const used = await usedToday(ctx, reportId, toDay(now));
  let quota: FollowUpQuota | null = null;
  if (kind === 'message' && used.messages >= q.messages) quota = 'message';
  if (kind === 'flag' && used.flags >= q.flags) quota = 'flag';
  if (used.bytes + bytes > q.bytes) quota = 'bytes';
  if (!quota) return;
  const what = {
    message: `${q.messages} messages`,
    flag: `${q.flags} retaliation flags`,
    bytes: `${Math.round(q.bytes / 1024 / 1024)} MB of messages and files`,
  }[quota];
  throw new BusyError(
    `This receipt has reached today's limit of ${what}. Nothing was stored; try again tomorrow (UTC).`,
    untilTomorrow(now),
    { quota },
  );
}
