// Enrolment (public, paid for with a proof of work) and administration of supervisors and units.
import { Hono } from 'hono';
import { z } from 'zod';
import { SUPERVISOR_STATUSES, UNIT_LEVELS } from '../../db/schema';
import { requireActor } from '../auth/middleware';
import type { AdminUnitsResponse, SupervisorsResponse } from '../contract/supervisors';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith, query } from '../http/validate';
import { requirePow } from '../pow/middleware';
import { armoredPublicKey, entityId } from '../reports/schemas';
import { setRecoveryKey } from '../units/recovery';
import { adminUnits, createUnit, decide, enrol, listSupervisors } from './service';

const name = z.string().trim().min(1).max(120);
export const enrolBody = z.strictObject({
  unitId: entityId,
  displayName: name,
  publicKey: armoredPublicKey,
});
const listQuery = z.strictObject({
  status: z.enum(SUPERVISOR_STATUSES).optional(),
  unitId: entityId.optional(),
});
const decisionParams = z.strictObject({
  id: entityId,
  decision: z.enum(['approve', 'reject', 'revoke']),
});
export const unitBody = z.strictObject({
  name,
  nameZh: name,
  level: z.enum(UNIT_LEVELS),
  parentId: entityId.nullable(),
  publishStats: z.boolean().optional(),
});

export const recoveryKeyBody = z.strictObject({ publicKey: armoredPublicKey });
const unitParams = z.strictObject({ id: entityId });

const admin = requireActor('admin');
const approvers = requireActor('admin', 'auditor');

export const supervisorRoutes = new Hono<AppEnv>()
  // The work is spent before the body is read, so one solution pays for one attempt, whatever
  // becomes of it.
  .post('/api/supervisors/enrol', requirePow('submit'), limitBody(80 * 1024), async (c) => {
    const body = await jsonBody(c, enrolBody);
    return c.json(await enrol(c.get('ctx'), body), 201);
  })
  .get('/api/admin/supervisors', approvers, async (c) => {
    return c.json({
      supervisors: await listSupervisors(c.get('ctx'), query(c, listQuery)),
    } satisfies SupervisorsResponse);
  })
  // Auditors approve too (four eyes, supervisors/approvals.ts); only administrators reject or revoke.
  .post('/api/admin/supervisors/:id/:decision', approvers, async (c) => {
    const p = parseWith(decisionParams, c.req.param(), 'path');
    return c.json(await decide(c.get('ctx'), c.get('actor'), p.id, p.decision));
  })
  .get('/api/admin/units', admin, async (c) => {
    return c.json({ units: await adminUnits(c.get('ctx')) } satisfies AdminUnitsResponse);
  })
  .post('/api/admin/units/:id/recovery-key', admin, limitBody(80 * 1024), async (c) => {
    const { id } = parseWith(unitParams, c.req.param(), 'path');
    const body = await jsonBody(c, recoveryKeyBody);
    return c.json(await setRecoveryKey(c.get('ctx'), c.get('actor').id, id, body.publicKey), 201);
  })
  .post('/api/admin/units', admin, limitBody(4096), async (c) => {
    const body = await jsonBody(c, unitBody);
    return c.json(await createUnit(c.get('ctx'), c.get('actor'), body), 201);
  });
