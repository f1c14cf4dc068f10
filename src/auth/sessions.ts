// Supervisor sessions: a random token in an HttpOnly, Secure, SameSite=Strict cookie, stored only
// as its hash, with idle and absolute expiry. The CSRF token is derived from the session token.
import { eq, sql } from 'drizzle-orm';
import { sessions, supervisors } from '../../db/schema';
import type { Ctx } from '../context';
import { randomBytes, sha256Hex, toBase64Url } from '../crypto/encoding';
import { AppError } from '../lib/errors';
import { type Db, preparedOnce } from '../storage/db';
import type { Actor } from './actor';

export const SESSION_COOKIE = 'portal-session';

export const csrfFor = async (token: string) => (await sha256Hex(`csrf:${token}`)).slice(0, 43);

export async function newSession(ctx: Ctx, supervisorId: string) {
  const token = toBase64Url(randomBytes(32));
  const now = Math.floor(ctx.now().getTime() / 1000);
  const row = {
    tokenHash: await sha256Hex(token),
    supervisorId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + ctx.config.sessions.maxSeconds,
  };
  return { token, row, insert: ctx.db.insert(sessions).values(row) };
}

export const unauthenticated = () =>
  new AppError('unauthorized', 'Sign in first; your session may have expired.');

/** Every signed-in request reads its session and supervisor: prepared once per database. */
const sessionQuery = (db: Db) =>
  db
    .select({
      session: { expiresAt: sessions.expiresAt, lastSeenAt: sessions.lastSeenAt },
      supervisor: {
        id: supervisors.id,
        unitId: supervisors.unitId,
        role: supervisors.role,
        status: supervisors.status,
        displayName: supervisors.displayName,
        pseudonym: supervisors.pseudonym,
        fingerprint: supervisors.fingerprint,
        keyExpiresAt: supervisors.keyExpiresAt,
      },
    })
    .from(sessions)
    .innerJoin(supervisors, eq(sessions.supervisorId, supervisors.id))
    .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
    .limit(1)
    .prepare();

/** Resolves a session token to its supervisor, enforcing expiry and the supervisor's standing. */
export async function actorFromSession(
  ctx: Ctx,
  token: string,
): Promise<{ actor: Actor; tokenHash: string }> {
  const tokenHash = await sha256Hex(token);
  const now = Math.floor(ctx.now().getTime() / 1000);
  const [row] = await preparedOnce(ctx.storage, 'session', sessionQuery).all({ tokenHash });
  if (!row) throw unauthenticated();
  const { session, supervisor } = row;
  const expired =
    session.expiresAt <= now || session.lastSeenAt + ctx.config.sessions.idleSeconds <= now;
  const keyExpired = supervisor.keyExpiresAt !== null && supervisor.keyExpiresAt <= now;
  if (expired || supervisor.status !== 'approved' || keyExpired) {
    await ctx.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    throw unauthenticated();
  }
  // Touch at most once a minute: idle expiry needs no finer grain, and reads stay reads.
  if (now - session.lastSeenAt >= 60) {
    await ctx.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
  }
  const { status: _status, keyExpiresAt: _expires, ...actor } = supervisor;
  return { actor: actor satisfies Actor, tokenHash };
}

export const endSessionQuery = (ctx: Ctx, tokenHash: string) =>
  ctx.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
