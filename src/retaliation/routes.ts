// The retaliation view of a unit and the handling of each flag.
import { Hono } from 'hono';
import { z } from 'zod';
import { FLAG_STATES } from '../../db/schema';
import { requireActor } from '../auth/middleware';
import type { FlagsResponse } from '../contract/flags';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith, query } from '../http/validate';
import { entityId } from '../reports/schemas';
import { changeFlagState, listFlags } from './service';

const listQuery = z.strictObject({
  state: z.enum(FLAG_STATES).optional(),
  all: z.enum(['0', '1']).optional(),
});
export const flagStateBody = z.strictObject({ state: z.enum(FLAG_STATES) });
const supervisor = requireActor('supervisor');

export const retaliationRoutes = new Hono<AppEnv>()
  .get('/api/retaliation', supervisor, async (c) => {
    const q = query(c, listQuery);
    return c.json({
      flags: await listFlags(c.get('ctx'), c.get('actor'), {
        state: q.state,
        includeResolved: q.all === '1',
      }),
    } satisfies FlagsResponse);
  })
  .post('/api/retaliation/:id/state', supervisor, limitBody(1024), async (c) => {
    const { id } = parseWith(z.strictObject({ id: entityId }), c.req.param(), 'path');
    const body = await jsonBody(c, flagStateBody);
    return c.json(await changeFlagState(c.get('ctx'), c.get('actor'), id, body.state));
  });
