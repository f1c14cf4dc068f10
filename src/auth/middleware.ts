// Guards for supervisor routes: a valid session, an allowed role, and for every state-changing
// request a same-origin check plus the CSRF token header.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { constantTimeEqual } from '../crypto/encoding';
import type { AppEnv } from '../http/types';
import { AppError } from '../lib/errors';
import type { Role } from '../supervisors/records';
import { actorFromSession, csrfFor, SESSION_COOKIE, unauthenticated } from './sessions';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function siteOrigin(c: Context<AppEnv>): string {
  return c.get('ctx').config.publicOrigin ?? new URL(c.req.url).origin;
}

export const sessionToken = (c: Context<AppEnv>) => getCookie(c, SESSION_COOKIE, 'host');

/** Refuses a cross-site state-changing request: browsers always send Origin on those. */
export function requireSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== siteOrigin(c)) {
    throw new AppError('forbidden', 'Cross-site requests are not accepted.');
  }
}

export const requireActor =
  (...roles: Role[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const token = sessionToken(c);
    if (!token) throw unauthenticated();
    const { actor } = await actorFromSession(c.get('ctx'), token);
    if (!SAFE_METHODS.has(c.req.method)) {
      requireSameOrigin(c);
      const sent = c.req.header(CSRF_HEADER) ?? '';
      if (!constantTimeEqual(sent, await csrfFor(token))) {
        throw new AppError('forbidden', 'Missing or wrong CSRF token; reload the page.');
      }
    }
    if (roles.length > 0 && !roles.includes(actor.role)) {
      throw new AppError('forbidden', 'Your role does not allow this.');
    }
    c.set('actor', actor);
    await next();
  };
