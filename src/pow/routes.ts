// GET /api/pow?purpose=submit|lookup|sign-in: a fresh proof-of-work challenge. Free, stateless,
// and counted nowhere: only a solved and spent one moves the difficulty.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/types';
import { query } from '../http/validate';
import { issueChallenge, POW_PURPOSES } from './service';

const powQuery = z.strictObject({ purpose: z.enum(POW_PURPOSES).default('submit') });

export const powRoutes = new Hono<AppEnv>().get('/api/pow', async (c) => {
  const { purpose } = query(c, powQuery);
  return c.json(await issueChallenge(c.get('ctx'), purpose));
});
