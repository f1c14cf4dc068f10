// Statistics: per unit and quarter, every count under the small-cell threshold shown as "<5".
import { z } from 'zod';
import { unitNameSchema } from './units';

export const cellSchema = z.union([z.number().int().min(0), z.literal('<5')]);
export type Cell = z.infer<typeof cellSchema>;

export const unitQuarterSchema = z.strictObject({
  unitId: z.string(),
  quarter: z.string().regex(/^\d{4}-Q[1-4]$/),
  received: cellSchema,
  acknowledgedInTime: cellSchema,
  closed: z.strictObject({
    substantiated: cellSchema,
    unsubstantiated: cellSchema,
    referred: cellSchema,
    withdrawn: cellSchema,
  }),
  retaliationFlags: cellSchema,
  retaliationAcknowledgedInTime: cellSchema,
  retaliationResolved: cellSchema,
  /** null when too few flags were resolved to publish a median without identifying anyone. */
  retaliationMedianDaysToResolve: z.number().nullable(),
});
export type UnitQuarter = z.infer<typeof unitQuarterSchema>;

/** GET /api/stats (administrators, JSON). */
export const adminStatsResponse = z.strictObject({
  smallCellThreshold: z.number().int(),
  figures: z.array(unitQuarterSchema),
});
export type AdminStats = z.infer<typeof adminStatsResponse>;

/** GET /api/public/stats: ended quarters of the units that publish, and the audit log's witness. */
export const publicStatsResponse = z.strictObject({
  smallCellThreshold: z.number().int(),
  units: z.array(unitNameSchema),
  figures: z.array(unitQuarterSchema),
  /** The day the current quarter's figures appear. */
  nextPublication: z.string(),
  /** Yesterday's head of the audit log: a witness anyone can copy (null before any entry). */
  auditHead: z.strictObject({ hash: z.string(), day: z.string() }).nullable(),
});
export type PublicStats = z.infer<typeof publicStatsResponse>;
export type StatsUnit = z.infer<typeof unitNameSchema>;
