// Retaliation flags as the supervisor's unit handles them: ages against deadlines, forward-only
// states.
import { z } from 'zod';
import { relationSchema } from './cases';
import { CASE_STATES, FLAG_STATES } from './terms';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const flagSchema = z.strictObject({
  id: z.string(),
  reportId: z.string(),
  messageId: z.string(),
  state: z.enum(FLAG_STATES),
  day,
  dueBy: day,
  acknowledgedDay: day.nullable(),
  resolvedDay: day.nullable(),
  ageDays: z.number().int(),
  overdue: z.boolean(),
  caseState: z.enum(CASE_STATES),
  relation: relationSchema,
});

/** GET /api/retaliation */
export const flagsResponse = z.strictObject({ flags: z.array(flagSchema) });
/** POST /api/retaliation/:id/state */
export const flagStateResponse = z.strictObject({
  id: z.string(),
  state: z.enum(FLAG_STATES),
  day,
});

export type RetaliationFlag = z.infer<typeof flagSchema>;
export type FlagsResponse = z.infer<typeof flagsResponse>;
export type FlagStateResponse = z.infer<typeof flagStateResponse>;
