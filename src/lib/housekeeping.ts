// Forgetting what has expired: spent proof-of-work and sign-in challenges and ended sessions.
// Run now and then after paid submissions and verified sign-ins (never for a free request), so
// the tables stay small without a scheduler (the Workers entry has none).
import { lt, or } from 'drizzle-orm';
import { authChallenges, powSpent, sessions } from '../../db/schema';
import type { Ctx } from '../context';

const EVERY_MS = 10 * 60_000;
const lastRun = new WeakMap<object, number>();

export async function tidy(ctx: Ctx): Promise<void> {
  const nowMs = ctx.now().getTime();
  if (nowMs - (lastRun.get(ctx.db) ?? -Infinity) < EVERY_MS) return;
  lastRun.set(ctx.db, nowMs);
  const now = Math.floor(nowMs / 1000);
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
}
