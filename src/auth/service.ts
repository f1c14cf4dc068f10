// Signing in and out: verify the signed challenge against an approved key, then open a session,
// ending any session the browser already had (rotation), with the audit entry in the same batch.
import { eq } from 'drizzle-orm';
import { supervisors } from '../../db/schema';
import { ARRIVALS_PER_BATCH, logArrivals } from '../audit/arrivals';
import { withAudit } from '../audit/service';
import type { Ctx } from '../context';
import { sha256Hex } from '../crypto/encoding';
import { AppError } from '../lib/errors';
import { tidy } from '../lib/housekeeping';
import { isUniqueViolation } from '../storage/db';
import type { Actor } from './actor';
import { claimChallenge, verifySignature } from './challenge';
import { csrfFor, endSessionQuery, newSession } from './sessions';

/** Most arrivals a sign-in logs itself (the scheduler logs the rest). */
const SIGN_IN_ARRIVALS = 4 * ARRIVALS_PER_BATCH;

export interface SignInInput {
  fingerprint: string;
  challenge: string;
  signature: string;
  origin: string;
  previousToken?: string | undefined;
}

/**
 * Each attempt spends its challenge, which cost a proof of work, so guessing is paid for per
 * try; nothing is counted per key, so a stranger naming a key holder's fingerprint cannot lock
 * them out. The challenge is written as spent with the session, after the signature verifies.
 */
export async function signIn(ctx: Ctx, input: SignInInput) {
  const claimed = await claimChallenge(ctx, input);
  const [supervisor] = await ctx.db
    .select()
    .from(supervisors)
    .where(eq(supervisors.fingerprint, input.fingerprint.toUpperCase()))
    .limit(1);
  const now = Math.floor(ctx.now().getTime() / 1000);
  const usable =
    supervisor?.status === 'approved' &&
    // A recovery key is for offline grants only (docs/recovery.md): it never opens a session.
    supervisor.role !== 'recovery' &&
    (supervisor.keyExpiresAt === null || supervisor.keyExpiresAt > now);
  if (!supervisor || !usable) {
    // Same words as a bad signature: the answer does not reveal which keys are enrolled.
    throw new AppError(
      'unauthorized',
      'Sign-in refused: the signature does not verify with the enrolled key.',
    );
  }
  await verifySignature(ctx, { ...input, publicKey: supervisor.publicKey });
  const session = await newSession(ctx, supervisor.id);
  const previous = input.previousToken ? await sha256Hex(input.previousToken) : null;
  await withAudit(
    ctx,
    {
      actorId: supervisor.id,
      action: 'auth.sign_in',
      unitId: supervisor.unitId,
      detail: { role: supervisor.role },
    },
    () => [claimed.spend, session.insert, ...(previous ? [endSessionQuery(ctx, previous)] : [])],
  ).catch((err) => {
    // Claimed in memory by another process (or before a restart) and spent there.
    if (isUniqueViolation(err, 'auth_challenges'))
      throw new AppError('unauthorized', 'Sign-in refused: the challenge was already used.');
    throw err;
  });
  // Housekeeping rides on verified work only: no anonymous request causes a write.
  await tidy(ctx);
  // Yesterday's arrivals go into the log at a sign-in, never at a submission: no reporter's
  // action decides when an audit entry is written (audit/arrivals.ts). A long backlog (a first
  // sweep after an upgrade) is left to the scheduler beyond a few batches.
  await logArrivals(ctx, SIGN_IN_ARRIVALS);
  return { token: session.token, csrfToken: await csrfFor(session.token), supervisor };
}

export async function signOut(ctx: Ctx, actor: Actor, token: string): Promise<void> {
  const hash = await sha256Hex(token);
  await withAudit(ctx, { actorId: actor.id, action: 'auth.sign_out', unitId: actor.unitId }, () => [
    endSessionQuery(ctx, hash),
  ]);
}
