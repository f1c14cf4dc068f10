// Notice settings on the account page, and the confirmation link. The link's GET only shows a
// page with a button, because mail scanners follow links; the button's POST confirms.
import { Hono } from 'hono';
import { z } from 'zod';
import { requireActor, requireSiteOrigin } from '../auth/middleware';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody } from '../http/validate';
import { AppError } from '../lib/errors';
import { register, settingsOf, unregister, verify } from './service';

export const notifyBody = z.strictObject({
  email: z.email().max(254),
  digestHour: z.number().int().min(0).max(23).default(7),
  onlyWhenActive: z.boolean().default(false),
  encryptDetails: z.boolean().default(false),
});
const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

const confirmForm = (t: string) =>
  page(
    'Confirm your address',
    `<p>Press the button to receive the portal's notices at the address you registered.</p>
<form method="post" action="/api/notify/verify" autocomplete="off">
<input type="hidden" name="token" value="${t}" autocomplete="off">
<button type="submit">Confirm this address</button></form>`,
  );

const staff = requireActor();

export const notifyRoutes = new Hono<AppEnv>()
  .get('/api/notify', staff, async (c) => c.json(await settingsOf(c.get('ctx'), c.get('actor'))))
  .post('/api/notify', staff, limitBody(1024), async (c) => {
    const origin = requireSiteOrigin(c);
    const body = await jsonBody(c, notifyBody);
    return c.json(await register(c.get('ctx'), c.get('actor'), body, origin), 201);
  })
  .delete('/api/notify', staff, async (c) => c.json(await unregister(c.get('ctx'), c.get('actor'))))
  .get('/api/notify/verify', (c) => {
    const t = token.safeParse(c.req.query('token'));
    if (!t.success) {
      return c.html(page('Link not valid', '<p>This confirmation link is incomplete.</p>'), 400);
    }
    return c.html(confirmForm(t.data));
  })
  .post('/api/notify/verify', limitBody(1024), async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const t = token.safeParse(form.token);
    if (!t.success) {
      return c.html(page('Link not valid', '<p>This confirmation link is incomplete.</p>'), 400);
    }
    try {
      await verify(c.get('ctx'), t.data);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return c.html(page('Address not confirmed', `<p>${err.message}</p>`), 404);
    }
    return c.html(
      page(
        'Address confirmed',
        '<p>Notices will come to this address. You may close this page.</p>',
      ),
    );
  });
