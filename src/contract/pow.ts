// GET /api/pow?purpose=…: a proof-of-work challenge, solved in the browser before a paid request.
import { z } from 'zod';
import { POW_PURPOSES } from './terms';

export const powChallengeResponse = z.strictObject({
  challenge: z.string(),
  /** Leading zero bits the solution's hash must have. */
  difficulty: z.number().int().min(0),
  purpose: z.enum(POW_PURPOSES),
  expiresAt: z.string(),
});
export type PowChallenge = z.infer<typeof powChallengeResponse>;
