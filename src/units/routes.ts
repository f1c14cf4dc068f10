// GET /api/units: the unit tree with each unit's active public keys.
import { Hono } from 'hono';
import type { UnitsResponse } from '../contract/units';
import type { AppEnv } from '../http/types';
import { listUnits } from './service';

export const unitRoutes = new Hono<AppEnv>().get('/api/units', async (c) => {
  return c.json({ units: await listUnits(c.get('ctx')) } satisfies UnitsResponse);
});
