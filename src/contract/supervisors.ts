// Supervisors' keys and units as administrators and auditors manage them.
import { z } from 'zod';
import { ROLES, SUPERVISOR_STATUSES, UNIT_LEVELS } from './terms';
import { unitSchema } from './units';

export const supervisorRecordSchema = z.strictObject({
  id: z.string(),
  unitId: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  status: z.enum(SUPERVISOR_STATUSES),
  fingerprint: z.string(),
  pseudonym: z.string(),
  keyExpiresAt: z.string().nullable(),
  enrolledAt: z.string(),
});

/** GET /api/admin/supervisors */
export const supervisorsResponse = z.strictObject({
  supervisors: z.array(supervisorRecordSchema),
});

/** POST /api/admin/supervisors/:id/:decision: the record, and who has approved it so far. */
export const decisionResponse = supervisorRecordSchema.extend({
  approvals: z.array(z.enum(['admin', 'auditor', 'bootstrap', 'legacy'])),
});

/** GET /api/admin/units: each unit with how many people read it and whether it is at risk. */
export const adminUnitSchema = unitSchema.omit({ keys: true }).extend({
  readers: z.number().int(),
  hasRecoveryKey: z.boolean(),
  atRisk: z.boolean(),
});
export const adminUnitsResponse = z.strictObject({ units: z.array(adminUnitSchema) });

/** POST /api/admin/units */
export const createdUnitResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  nameZh: z.string(),
  level: z.enum(UNIT_LEVELS),
  parentId: z.string().nullable(),
  publishStats: z.boolean().optional(),
});

/** POST /api/admin/units/:id/recovery-key: the recovery key, waiting for its approvals. */
export const recoveryKeyResponse = z.strictObject({
  id: z.string(),
  unitId: z.string(),
  fingerprint: z.string(),
  status: z.enum(SUPERVISOR_STATUSES),
});

export type SupervisorRecord = z.infer<typeof supervisorRecordSchema>;
export type SupervisorsResponse = z.infer<typeof supervisorsResponse>;
export type DecisionResponse = z.infer<typeof decisionResponse>;
export type AdminUnit = z.infer<typeof adminUnitSchema>;
export type AdminUnitsResponse = z.infer<typeof adminUnitsResponse>;
export type CreatedUnit = z.infer<typeof createdUnitResponse>;
export type RecoveryKeyResponse = z.infer<typeof recoveryKeyResponse>;
