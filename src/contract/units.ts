// GET /api/units: the unit tree with each unit's reading keys, what a reporter encrypts to.
import { z } from 'zod';
import { UNIT_LEVELS } from './terms';

export const unitKeySchema = z.strictObject({
  /** The key's supervisor row ID: what a reporter names to exclude it from a case. */
  id: z.string(),
  /** The name the administrator approved for the key's holder. */
  displayName: z.string(),
  fingerprint: z.string(),
  /** `recovery` for the unit's offline recovery key, else `supervisor`. */
  role: z.enum(['supervisor', 'recovery']),
  publicKey: z.string(),
  encryptionKeyIds: z.array(z.string()),
  expiresAt: z.string().nullable(),
});

export const unitSchema = z.strictObject({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  nameZh: z.string(),
  level: z.enum(UNIT_LEVELS),
  isDemo: z.boolean(),
  /** Months a closed case is kept before it is deleted. */
  retentionMonths: z.number().int(),
  keys: z.array(unitKeySchema),
});

export const unitsResponse = z.strictObject({ units: z.array(unitSchema) });

export type UnitKeyView = z.infer<typeof unitKeySchema>;
export type UnitView = z.infer<typeof unitSchema>;
export type UnitsResponse = z.infer<typeof unitsResponse>;

/** A unit as the reporter's case view and the statistics name it. */
export const unitNameSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  nameZh: z.string(),
});
export type UnitName = z.infer<typeof unitNameSchema>;
