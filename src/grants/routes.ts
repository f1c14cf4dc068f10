// Grant routes: the session-key packets a granter re-wraps, the grant itself, and the keys of the
// granter's unit that may receive cases (for the bulk grant and key rotation pages).
import { Hono } from 'hono';
import { z } from 'zod';
import { requireActor } from '../auth/middleware';
import type { GrantableKeysResponse } from '../contract/grants';
import { fromBase64Url } from '../crypto/encoding';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith, query } from '../http/validate';
import { entityId } from '../reports/schemas';
import { unitReadingKeys } from './keys';
import { recoveryBacklog } from './recovery';
import { actorGranter, grantCase, pendingItems } from './service';

const caseParams = z.strictObject({ id: entityId });
const keysQuery = z.strictObject({ for: entityId });
// A session-key packet is a few hundred bytes (RSA 4096: ~530); 2 KB in base64url is ample.
const packet = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,2800}$/, 'must be a session-key packet in base64url');
export const grantItems = z
  .array(z.strictObject({ kind: z.enum(['message', 'attachment']), id: entityId, packet }))
  .max(5000);
export const grantBody = z.strictObject({ granteeId: entityId, items: grantItems });

const supervisor = requireActor('supervisor');
const caseId = (c: { req: { param: () => Record<string, string> } }) =>
  parseWith(caseParams, c.req.param(), 'path').id;

export const grantRoutes = new Hono<AppEnv>()
  .get('/api/cases/:id/keys', supervisor, async (c) => {
    const ctx = c.get('ctx');
    const id = caseId(c);
    const granteeId = query(c, keysQuery).for;
    return c.json(
      await pendingItems(ctx, await actorGranter(ctx, c.get('actor').id), id, granteeId),
    );
  })
  .post('/api/cases/:id/grants', supervisor, limitBody(16 * 1024 * 1024), async (c) => {
    const ctx = c.get('ctx');
    const id = caseId(c);
    const body = await jsonBody(c, grantBody);
    const items = body.items.map((i) => ({
      kind: i.kind,
      id: i.id,
      packet: fromBase64Url(i.packet),
    }));
    const granter = await actorGranter(ctx, c.get('actor').id);
    return c.json(await grantCase(ctx, granter, id, body.granteeId, items));
  })
  .get('/api/grants/keys', supervisor, async (c) => {
    const ctx = c.get('ctx');
    const unitId = c.get('actor').unitId;
    const [keys, backlog] = await Promise.all([
      unitReadingKeys(ctx, unitId),
      recoveryBacklog(ctx, unitId),
    ]);
    // Cases of the unit its recovery key cannot read yet: the page offers to grant them.
    return c.json({
      keys,
      recoveryBacklog: backlog?.cases.length ?? 0,
    } satisfies GrantableKeysResponse);
  });
