// The audit trail as administrators and auditors read it: paged entries with names, the chain
// check, the head to sign and a stored checkpoint.
import { z } from 'zod';

export const auditEntrySchema = z.strictObject({
  id: z.string(),
  seq: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  unitId: z.string().nullable(),
  reportId: z.string().nullable(),
  targetId: z.string().nullable(),
  detail: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
  /** Names of the actor and unit, where they still exist. */
  actorName: z.string().nullable(),
  unitName: z.string().nullable(),
  unitNameZh: z.string().nullable(),
});

/** GET /api/audit */
export const auditPageSchema = z.strictObject({
  entries: z.array(auditEntrySchema),
  next: z.number().int().nullable(),
});

/** GET /api/audit/verify: the whole chain checked, or where it breaks. */
export const chainCheckSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), entries: z.number().int(), head: z.string() }),
  z.strictObject({
    ok: z.literal(false),
    entries: z.number().int(),
    brokenAt: z.number().int(),
    reason: z.string(),
  }),
]);

/** GET /api/audit/head: the head for an auditor to sign and the exact text to sign (or null). */
export const auditHeadSchema = z
  .strictObject({ entries: z.number().int(), hash: z.string(), text: z.string() })
  .nullable();

/** POST /api/audit/checkpoints */
export const storedCheckpointSchema = z.strictObject({
  id: z.string(),
  entries: z.number().int(),
  hash: z.string(),
});

export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
export type ChainCheck = z.infer<typeof chainCheckSchema>;
export type AuditHead = z.infer<typeof auditHeadSchema>;
export type StoredCheckpoint = z.infer<typeof storedCheckpointSchema>;
