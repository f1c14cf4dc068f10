// Statistics: all units for administrators (JSON or an audited CSV export), and a public view of
// the units that choose to publish their figures, for quarters that have ended only.

import { Hono } from 'hono';
import { z } from 'zod';
import { requireActor } from '../auth/middleware';
import type { AppEnv } from '../http/types';
import { query } from '../http/validate';
import { adminStats, publicStats, statsCsv } from './service';

const statsQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });

export const statsRoutes = new Hono<AppEnv>()
  .get('/api/stats', requireActor('admin'), async (c) => {
    const ctx = c.get('ctx');
    const { format } = query(c, statsQuery);
    if (format === 'json') return c.json(await adminStats(ctx));
    return c.body(await statsCsv(ctx, c.get('actor')), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="portal-statistics.csv"',
    });
  })
  .get('/api/public/stats', async (c) => c.json(await publicStats(c.get('ctx'))));
