// Guards for supervisor routes: a valid session, an allowed role, and for every state-changing
// request a same-origin check plus the CSRF token header.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { CSRF_HEADER } from '../contract/headers';
import { constantTimeEqual } from '../crypto/encoding';
import type { AppEnv } from '../http/types';
import { AppError } from '../lib/errors';
import type { Role } from '../supervisors/records';
import { actorFromSession, csrfFor, SESSION_COOKIE, unauthenticated } from './sessions';

export { CSRF_HEADER };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The configured origin this request was addressed to, matched by its Host (a proxy in front may
 * change the scheme, never the host), or null when the Host is not one of the portal's.
 */
export function siteOrigin(c: Context<AppEnv>): string | null {
  const host = new URL(c.req.url).host;
  return c.get('ctx').config.publicOrigins.find((o) => new URL(o).host === host) ?? null;
}

/** Like `siteOrigin`, but refuses a request to a host that is not configured. */
export function requireSiteOrigin(c: Context<AppEnv>): string {
  const origin = siteOrigin(c);
  if (!origin) {
    throw new AppError(
      'forbidden',
      "This address is not one of the portal's configured origins (PUBLIC_ORIGIN); use the portal's own address.",
    );
  }
  return origin;
}

export const sessionToken = (c: Context<AppEnv>) => getCookie(c, SESSION_COOKIE, 'host');

/** Refuses a cross-site state-changing request: browsers always send Origin on those. */
export function requireSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== requireSiteOrigin(c)) {
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
