// Retention: the inbox's deletion warnings, legal holds and early deletion (two people each), and
// a unit's retention period.
import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** GET /api/retention/upcoming: cases of the unit deleted within the warning period. */
export const upcomingDeletionsResponse = z.strictObject({
  cases: z.array(z.strictObject({ id: z.string(), deletesOn: day })),
});

/** A legal hold or an early deletion: asked for by one person, done when a second agrees. */
export const twoPersonStepResponse = z.strictObject({ status: z.enum(['requested', 'done']) });

/** POST /api/admin/units/:id/retention */
export const retentionResponse = z.strictObject({
  unitId: z.string(),
  retentionMonths: z.number().int(),
});

export type UpcomingDeletions = z.infer<typeof upcomingDeletionsResponse>;
export type TwoPersonStep = z.infer<typeof twoPersonStepResponse>;
export type RetentionResponse = z.infer<typeof retentionResponse>;
