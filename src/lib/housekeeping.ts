// Forgetting what has expired: spent proof-of-work and sign-in challenges, ended sessions and
// report drafts whose files never all arrived; and retaliation flags left unanswered past their
// deadline are passed one level further up (retaliation/escalation.ts). Run now and then after
// paid submissions and verified sign-ins (never for a free request), so the tables stay small
// without a scheduler.
import { inArray, lt, or } from 'drizzle-orm';
import {
  attachments,
  authChallenges,
  caseExclusions,
  powSpent,
  reportDrafts,
  sessions,
} from '../../db/schema';
import type { Ctx } from '../context';
import { escalateOverdueFlags } from '../retaliation/escalation';
import { dropStaleUploads, dropUploadsOf } from '../uploads/service';
import { addDays, toDay } from './days';

/** A draft left this many days was abandoned: its page was closed before its files were in. */
export const DRAFT_DAYS = 7;

const EVERY_MS = 10 * 60_000;
/** Where the storage keeps the time of the last run, in this process. */
const LAST_RUN = 'housekeeping-last-run';

export async function tidy(ctx: Ctx): Promise<void> {
  const nowMs = ctx.now().getTime();
  const last = ctx.storage.memo.get(LAST_RUN);
  if (typeof last === 'number' && nowMs - last < EVERY_MS) return;
  ctx.storage.memo.set(LAST_RUN, nowMs);
  await forgetExpired(ctx);
}

/** The same work without the throttle: the scheduler's hourly housekeeping job. */
export async function forgetExpired(ctx: Ctx): Promise<void> {
  const now = Math.floor(ctx.now().getTime() / 1000);
  await ctx.db.batch([
    ctx.db.delete(powSpent).where(lt(powSpent.expiresAt, now)),
    ctx.db.delete(authChallenges).where(lt(authChallenges.expiresAt, now)),
    ctx.db
      .delete(sessions)
      .where(
        or(
          lt(sessions.expiresAt, now),
          lt(sessions.lastSeenAt, now - ctx.config.sessions.idleSeconds),
        ),
      ),
  ]);
  await dropAbandonedDrafts(ctx);
  await escalateOverdueFlags(ctx);
  await dropStaleUploads(ctx);
}

/** Deletes drafts older than DRAFT_DAYS with the files they had received, bytes included. */
export async function dropAbandonedDrafts(ctx: Ctx): Promise<void> {
  const before = addDays(toDay(ctx.now()), -DRAFT_DAYS);
  const old = await ctx.db
    .select({ id: reportDrafts.id })
    .from(reportDrafts)
    .where(lt(reportDrafts.day, before));
  if (old.length === 0) return;
  const ids = old.map((d) => d.id);
  const files = await ctx.db
    .select({ id: attachments.id })
    .from(attachments)
    .where(inArray(attachments.reportId, ids));
  await ctx.db.batch([
    ctx.db.delete(attachments).where(inArray(attachments.reportId, ids)),
    ctx.db.delete(caseExclusions).where(inArray(caseExclusions.reportId, ids)),
    ctx.db.delete(reportDrafts).where(inArray(reportDrafts.id, ids)),
  ]);
  for (const f of files) await ctx.blobs.delete(f.id).catch(() => undefined);
  await dropUploadsOf(ctx, ids);
}
