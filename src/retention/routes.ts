// Retention routes: the inbox's deletion warnings, legal holds and early deletion (two people
// each), and a unit's retention period.
import { Hono } from 'hono';
import { z } from 'zod';
import { logListRead } from '../audit/reads';
import { requireActor } from '../auth/middleware';
import type { UpcomingDeletions } from '../contract/retention';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith } from '../http/validate';
import { entityId } from '../reports/schemas';
import { deleteEarly, legalHold, setRetention } from './requests';
import { upcomingDeletions } from './service';

const params = z.strictObject({ id: entityId });
export const holdBody = z.strictObject({ hold: z.boolean() });
export const retentionBody = z.strictObject({ months: z.number().int().min(1).max(240) });

const id = (c: { req: { param: () => Record<string, string> } }) =>
  parseWith(params, c.req.param(), 'path').id;

export const retentionRoutes = new Hono<AppEnv>()
  .get('/api/retention/upcoming', requireActor('supervisor'), async (c) => {
    const actor = c.get('actor');
    // A list of cases: its reading is traced once a day, like the inbox (audit/reads.ts).
    await logListRead(c.get('ctx'), actor, 'retention');
    return c.json({
      cases: await upcomingDeletions(c.get('ctx'), [actor.unitId]),
    } satisfies UpcomingDeletions);
  })
  .post('/api/cases/:id/hold', requireActor('supervisor', 'admin'), limitBody(256), async (c) => {
    const reportId = id(c);
    const body = await jsonBody(c, holdBody);
    return c.json(await legalHold(c.get('ctx'), c.get('actor'), reportId, body.hold));
  })
  .post('/api/admin/cases/:id/delete', requireActor('admin'), async (c) => {
    return c.json(await deleteEarly(c.get('ctx'), c.get('actor'), id(c)));
  })
  .post('/api/admin/units/:id/retention', requireActor('admin'), limitBody(256), async (c) => {
    const unitId = id(c);
    const body = await jsonBody(c, retentionBody);
    return c.json(await setRetention(c.get('ctx'), c.get('actor'), unitId, body.months));
  });
