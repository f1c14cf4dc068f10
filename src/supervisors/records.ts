// Turning an OpenPGP public key into a supervisor record: the key is judged first (strength,
// expiry, revocation, ability to sign and encrypt), so a weak key never reaches the database.
import type { supervisors } from '../../db/schema';
import type { Ctx } from '../context';
import { inspectPublicKey, KeyRejectedError, RECEIPT_ALPHABET, randomBytes } from '../crypto';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';

export type SupervisorRow = typeof supervisors.$inferSelect;
export type Role = SupervisorRow['role'];

/** A short label reporters see instead of a name: random, so it says nothing about the person. */
export function newPseudonym(): string {
  const bytes = randomBytes(4);
  return `Supervisor ${Array.from(bytes, (b) => RECEIPT_ALPHABET[b % 32]).join('')}`;
}

export interface NewSupervisor {
  unitId: string;
  displayName: string;
  role: Role;
  status: SupervisorRow['status'];
  publicKey: string;
}

export async function supervisorValues(ctx: Ctx, input: NewSupervisor): Promise<SupervisorRow> {
  let info: Awaited<ReturnType<typeof inspectPublicKey>>;
  try {
    info = await inspectPublicKey(input.publicKey, { now: ctx.now(), requireSigning: true });
  } catch (err) {
    if (err instanceof KeyRejectedError)
      throw new AppError('key_rejected', err.message, { problem: err.problem });
    throw err;
  }
  return {
    id: newId(),
    unitId: input.unitId,
    displayName: input.displayName,
    role: input.role,
    status: input.status,
    publicKey: input.publicKey.trim(),
    fingerprint: info.fingerprint,
    encryptionKeyIds: JSON.stringify(info.encryptionKeyIds),
    keyExpiresAt: info.expiresAt ? Math.floor(info.expiresAt.getTime() / 1000) : null,
    pseudonym: newPseudonym(),
    createdAt: Math.floor(ctx.now().getTime() / 1000),
  };
}
