// The audit trail for administrators and auditors: paged entries and a live chain check.

import { and, asc, eq, gt } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditLog } from '../../db/schema';
import { requireActor } from '../auth/middleware';
import type { AppEnv } from '../http/types';
import { query } from '../http/validate';
import { entityId } from '../reports/schemas';
import { AUDIT_ACTIONS } from './actions';
import { verifyAuditLog } from './service';

const listQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  action: z.enum(AUDIT_ACTIONS).optional(),
  reportId: entityId.optional(),
});

const readers = requireActor('admin', 'auditor');

export const auditRoutes = new Hono<AppEnv>()
  .get('/api/audit', readers, async (c) => {
    const q = query(c, listQuery);
    const rows = await c
      .get('ctx')
      .db.select()
      .from(auditLog)
      .where(
        and(
          gt(auditLog.seq, q.after),
          q.action ? eq(auditLog.action, q.action) : undefined,
          q.reportId ? eq(auditLog.reportId, q.reportId) : undefined,
        ),
      )
      .orderBy(asc(auditLog.seq))
      .limit(q.limit);
    const entries = rows.map((r) => ({
      ...r,
      at: new Date(r.at * 1000).toISOString(),
      detail: JSON.parse(r.detail) as unknown,
    }));
    return c.json({
      entries,
      next: rows.length === q.limit ? (rows[rows.length - 1]?.seq ?? null) : null,
    });
  })
  .get('/api/audit/verify', readers, async (c) => {
    return c.json(await verifyAuditLog(c.get('ctx')));
  });
