// GET /api/pow?purpose=submit|lookup: a fresh proof-of-work challenge.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/types';
import { query } from '../http/validate';
import { issueChallenge } from './service';

const powQuery = z.strictObject({ purpose: z.enum(['submit', 'lookup']).default('submit') });

export const powRoutes = new Hono<AppEnv>().get('/api/pow', async (c) => {
  const { purpose } = query(c, powQuery);
  return c.json(await issueChallenge(c.get('ctx'), purpose));
});
