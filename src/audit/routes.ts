// The audit trail for administrators and auditors: paged entries, a live chain check, the head
// to sign and signed checkpoints. HTTP only: every query is in a service of this folder.

import { Hono } from 'hono';
import { z } from 'zod';
import { requireActor } from '../auth/middleware';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, query } from '../http/validate';
import { entityId } from '../reports/schemas';
import { AUDIT_ACTIONS } from './actions';
import { headToSign, storeCheckpoint } from './checkpoints';
import { readAuditPage } from './reads';
import { verifyAuditLog } from './service';

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
    // Each page read is recorded, with what was asked for, before it is answered (reads.ts).
    return c.json(await readAuditPage(c.get('ctx'), c.get('actor'), query(c, listQuery)));
  })
  .get('/api/audit/verify', readers, async (c) => {
    return c.json(await verifyAuditLog(c.get('ctx')));
  })
  // The head for an auditor to sign (checkpoints.ts), with the exact text to sign.
  .get('/api/audit/head', readers, async (c) => {
    return c.json(await headToSign(c.get('ctx')));
  })
  .post('/api/audit/checkpoints', requireActor('auditor'), limitBody(16 * 1024), async (c) => {
    const body = await jsonBody(c, checkpointBody);
    return c.json(await storeCheckpoint(c.get('ctx'), c.get('actor'), body), 201);
  });
