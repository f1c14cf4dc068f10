// Supervisor sign-in by signed challenge, sign-out, and who-am-I.
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { ActorView, SessionResponse } from '../contract/auth';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody } from '../http/validate';
import { requirePow } from '../pow/middleware';
import { issueSignInChallenge } from './challenge';
import { requireActor, requireSameOrigin, requireSiteOrigin, sessionToken } from './middleware';
import { signIn, signOut } from './service';
import { csrfFor, SESSION_COOKIE } from './sessions';

export const signInBody = z.strictObject({
  fingerprint: z
    .string()
    .regex(/^[0-9A-Fa-f]{40}([0-9A-Fa-f]{24})?$/, 'must be a v4 or v6 key fingerprint'),
  challenge: z.string().min(1).max(1024),
  signature: z
    .string()
    .min(1)
    .max(16 * 1024)
    .startsWith('-----BEGIN PGP SIGNATURE-----', 'must be an armored OpenPGP signature'),
});

/** Only the fields the contract names leave the server (an `Actor` may carry more). */
export const actorView = (a: ActorView): ActorView => ({
  id: a.id,
  displayName: a.displayName,
  role: a.role,
  unitId: a.unitId,
  pseudonym: a.pseudonym,
  fingerprint: a.fingerprint,
});

export const authRoutes = new Hono<AppEnv>()
  // A request to a host that is not configured gets no challenge: a relaying phishing site would
  // otherwise have its own name signed. The host is checked before the work, the cheaper test.
  .post(
    '/api/auth/challenge',
    async (c, next) => {
      requireSameOrigin(c);
      requireSiteOrigin(c);
      await next();
    },
    requirePow('sign-in'),
    async (c) => c.json(await issueSignInChallenge(c.get('ctx'), requireSiteOrigin(c)), 201),
  )
  .post('/api/auth/sign-in', limitBody(32 * 1024), async (c) => {
    requireSameOrigin(c);
    const origin = requireSiteOrigin(c);
    const body = await jsonBody(c, signInBody);
    const ctx = c.get('ctx');
    const result = await signIn(ctx, {
      ...body,
      origin,
      previousToken: sessionToken(c),
    });
    setCookie(c, SESSION_COOKIE, result.token, {
      prefix: 'host',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: ctx.config.sessions.maxSeconds,
    });
    return c.json({
      supervisor: actorView(result.supervisor),
      csrfToken: result.csrfToken,
    } satisfies SessionResponse);
  })
  .post('/api/auth/sign-out', requireActor(), async (c) => {
    await signOut(c.get('ctx'), c.get('actor'), sessionToken(c)!);
    deleteCookie(c, SESSION_COOKIE, { prefix: 'host', path: '/', secure: true });
    return c.json({ signedOut: true } as const);
  })
  .get('/api/auth/me', requireActor(), async (c) => {
    return c.json({
      supervisor: actorView(c.get('actor')),
      csrfToken: await csrfFor(sessionToken(c)!),
    } satisfies SessionResponse);
  });
