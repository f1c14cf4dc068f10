// Sign-in, sign-out and who-am-I: the signed-in person as the pages see them.
import { z } from 'zod';
import { ROLES } from './terms';

export const actorSchema = z.strictObject({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unitId: z.string(),
  pseudonym: z.string(),
  fingerprint: z.string(),
});
export type ActorView = z.infer<typeof actorSchema>;

/** POST /api/auth/sign-in and GET /api/auth/me. */
export const sessionResponse = z.strictObject({ supervisor: actorSchema, csrfToken: z.string() });
export type SessionResponse = z.infer<typeof sessionResponse>;

/** POST /api/auth/challenge: the text to sign, good for one attempt. */
export const challengeResponse = z.strictObject({ challenge: z.string(), expiresAt: z.string() });
export type ChallengeResponse = z.infer<typeof challengeResponse>;

export const signOutResponse = z.strictObject({ signedOut: z.literal(true) });
