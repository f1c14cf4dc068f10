// The audit trail for administrators and auditors: paged entries and a live chain check.

import { and, asc, eq, gt } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditLog, supervisors, units } from '../../db/schema';
import { requireActor } from '../auth/middleware';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, query } from '../http/validate';
import { entityId } from '../reports/schemas';
import { AUDIT_ACTIONS } from './actions';
import { checkpointText, currentHead, storeCheckpoint } from './checkpoints';
import { verifyAuditLog, withAudit } from './service';

const listQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  action: z.enum(AUDIT_ACTIONS).optional(),
  reportId: entityId.optional(),
});

const readers = requireActor('admin', 'auditor');

export const checkpointBody = z.strictObject({
  text: z.string().max(400),
  signature: z.string().max(8192),
});

export const auditRoutes = new Hono<AppEnv>()
  .get('/api/audit', readers, async (c) => {
    const q = query(c, listQuery);
    const actor = c.get('actor');
    // Each page read is recorded, with what was asked for, before it is answered.
    await withAudit(c.get('ctx'), {
      actorId: actor.id,
      action: 'audit.read',
      unitId: actor.unitId,
      reportId: q.reportId ?? null,
      detail: { what: 'log', after: q.after, action: q.action ?? null },
    });
    // Names beside the ids, so a reader sees who acted where without looking ids up.
    const rows = await c
      .get('ctx')
      .db.select({
        entry: auditLog,
        actorName: supervisors.displayName,
        unitName: units.name,
        unitNameZh: units.nameZh,
      })
      .from(auditLog)
      .leftJoin(supervisors, eq(supervisors.id, auditLog.actorId))
      .leftJoin(units, eq(units.id, auditLog.unitId))
      .where(
        and(
          gt(auditLog.seq, q.after),
          q.action ? eq(auditLog.action, q.action) : undefined,
          q.reportId ? eq(auditLog.reportId, q.reportId) : undefined,
        ),
      )
      .orderBy(asc(auditLog.seq))
      .limit(q.limit);
    const entries = rows.map(({ entry, ...names }) => ({
      ...entry,
      ...names,
      at: new Date(entry.at * 1000).toISOString(),
      detail: JSON.parse(entry.detail) as unknown,
    }));
    return c.json({
      entries,
      next: rows.length === q.limit ? (rows[rows.length - 1]?.entry.seq ?? null) : null,
    });
  })
  .get('/api/audit/verify', readers, async (c) => {
    return c.json(await verifyAuditLog(c.get('ctx')));
  })
  // The head for an auditor to sign (checkpoints.ts), with the exact text to sign.
  .get('/api/audit/head', readers, async (c) => {
    const head = await currentHead(c.get('ctx'));
    return c.json(head ? { ...head, text: checkpointText(head) } : null);
  })
  .post('/api/audit/checkpoints', requireActor('auditor'), limitBody(16 * 1024), async (c) => {
    const body = await jsonBody(c, checkpointBody);
    return c.json(await storeCheckpoint(c.get('ctx'), c.get('actor'), body), 201);
  });
