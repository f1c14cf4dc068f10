// Statistics: all units for administrators (JSON or an audited CSV export), and a public view of
// the units that choose to publish their figures, for quarters that have ended only.

import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { units } from '../../db/schema';
import { dailyHead } from '../audit/checkpoints';
import { withAudit } from '../audit/service';
import { requireActor } from '../auth/middleware';
import type { AppEnv } from '../http/types';
import { query } from '../http/validate';
import { toDay } from '../lib/days';
import { figures, publication, toCsv } from './service';

const statsQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });

export const statsRoutes = new Hono<AppEnv>()
  .get('/api/stats', requireActor('admin'), async (c) => {
    const ctx = c.get('ctx');
    const { format } = query(c, statsQuery);
    const rows = await figures(ctx);
    if (format === 'json') return c.json({ smallCellThreshold: 5, figures: rows });
    await withAudit(ctx, {
      actorId: c.get('actor').id,
      action: 'stats.export',
      unitId: c.get('actor').unitId,
      detail: { rows: rows.length },
    });
    const names = new Map(
      (await ctx.db.select({ id: units.id, name: units.name }).from(units)).map((u) => [
        u.id,
        u.name,
      ]),
    );
    return c.body(toCsv(rows, names), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="portal-statistics.csv"',
    });
  })
  .get('/api/public/stats', async (c) => {
    const ctx = c.get('ctx');
    const published = await ctx.db
      .select({ id: units.id, name: units.name, nameZh: units.nameZh })
      .from(units)
      .where(eq(units.publishStats, true));
    const { current, nextPublication } = publication(toDay(ctx.now()));
    const rows = await figures(
      ctx,
      published.map((u) => u.id),
      { before: current },
    );
    // Yesterday's head of the audit log, a witness anyone can copy (audit/checkpoints.ts).
    const auditHead = await dailyHead(ctx);
    return c.json({
      smallCellThreshold: 5,
      units: published,
      figures: rows,
      nextPublication,
      auditHead,
    });
  });
