// Signing in and out: verify the signed challenge against an approved key, then open a session,
// ending any session the browser already had (rotation), with the audit entry in the same batch.
import { eq } from 'drizzle-orm';
import { supervisors } from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Ctx } from '../context';
import { sha256Hex } from '../crypto/encoding';
import { AppError, BusyError } from '../lib/errors';
import { guards } from '../lib/guards';
import type { Actor } from './actor';
import { verifySignedChallenge } from './challenge';
import { csrfFor, endSessionQuery, newSession } from './sessions';

export interface SignInInput {
  fingerprint: string;
  challenge: string;
  signature: string;
  origin: string;
  previousToken?: string | undefined;
}

/** Repeated failures on one key are throttled, so a stolen key file cannot be hammered online. */
export async function signIn(ctx: Ctx, input: SignInInput) {
  const limiter = guards(ctx).signIn;
  const key = input.fingerprint.toUpperCase();
  const wait = limiter.blocked(key, ctx.now().getTime());
  if (wait !== null)
    throw new BusyError('Too many failed sign-in attempts for this key; wait and try again.', wait);
  try {
    const result = await verifiedSignIn(ctx, input);
    limiter.clear(key);
    return result;
  } catch (err) {
    if (err instanceof AppError && err.code === 'unauthorized')
      limiter.fail(key, ctx.now().getTime());
    throw err;
  }
}

async function verifiedSignIn(ctx: Ctx, input: SignInInput) {
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
  await verifySignedChallenge(ctx, { ...input, publicKey: supervisor.publicKey });
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
    () => [session.insert, ...(previous ? [endSessionQuery(ctx, previous)] : [])],
  );
  return { token: session.token, csrfToken: await csrfFor(session.token), supervisor };
}

export async function signOut(ctx: Ctx, actor: Actor, token: string): Promise<void> {
  const hash = await sha256Hex(token);
  await withAudit(ctx, { actorId: actor.id, action: 'auth.sign_out', unitId: actor.unitId }, () => [
    endSessionQuery(ctx, hash),
  ]);
}
