// Reading and judging OpenPGP keys: the strength rules every key must meet before it is used.

import * as openpgp from 'openpgp';
import { isDatedByDay } from './dates';

export type KeyProblem =
  | 'unreadable'
  | 'private_key'
  | 'weak_algorithm'
  | 'weak_rsa'
  | 'expired'
  | 'revoked'
  | 'cannot_encrypt'
  | 'cannot_sign'
  | 'time_of_day';

export class KeyRejectedError extends Error {
  constructor(
    readonly problem: KeyProblem,
    detail: string,
  ) {
    super(detail);
    this.name = 'KeyRejectedError';
  }
}

export interface KeyInfo {
  fingerprint: string;
  /** Key IDs (hex) of every subkey that may encrypt, used to check a message's recipients. */
  encryptionKeyIds: string[];
  algorithm: string;
  bits: number | null;
  version: number;
  expiresAt: Date | null;
  userId: string | null;
}

const MIN_RSA_BITS = 3072;
const ACCEPTED = new Set([
  'rsaEncryptSign',
  'rsaSign',
  'rsaEncrypt',
  'eddsaLegacy',
  'ed25519',
  'ed448',
  'ecdh',
  'x25519',
  'x448',
  'ecdsa',
]);
const ACCEPTED_CURVES = new Set([
  undefined,
  'curve25519Legacy',
  'ed25519Legacy',
  'nistP256',
  'nistP384',
  'nistP521',
  'curve25519',
  'ed25519',
]);

export async function readPublicKey(armored: string): Promise<openpgp.PublicKey> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch {
    throw new KeyRejectedError('unreadable', 'This is not a readable OpenPGP public key.');
  }
  if (key.isPrivate()) {
    throw new KeyRejectedError(
      'private_key',
      'A private key was given where a public key belongs.',
    );
  }
  return key as openpgp.PublicKey;
}

function checkAlgorithm(info: openpgp.AlgorithmInfo, what: string): void {
  if (!ACCEPTED.has(info.algorithm) || !ACCEPTED_CURVES.has(info.curve)) {
    throw new KeyRejectedError(
      'weak_algorithm',
      `The ${what} uses an algorithm the portal does not accept (${info.algorithm}).`,
    );
  }
  if (info.algorithm.startsWith('rsa') && (info.bits ?? 0) < MIN_RSA_BITS) {
    throw new KeyRejectedError(
      'weak_rsa',
      `The ${what} is RSA ${info.bits}; at least ${MIN_RSA_BITS} bits are required.`,
    );
  }
}

/**
 * Checks a public key for use by the portal: readable, strong enough, not expired or revoked,
 * able to encrypt and (for signers) to sign, at `now`.
 */
export async function inspectPublicKey(
  armored: string,
  options: { now?: Date; requireSigning?: boolean } = {},
): Promise<KeyInfo> {
  const now = options.now ?? new Date();
  const key = await readPublicKey(armored);
  checkAlgorithm(key.getAlgorithmInfo(), 'primary key');
  if (await key.isRevoked(undefined, undefined, now)) {
    throw new KeyRejectedError('revoked', 'This key has been revoked.');
  }
  const expiry = await key.getExpirationTime();
  if (expiry !== null && expiry !== Infinity && (expiry as Date) <= now) {
    throw new KeyRejectedError('expired', 'This key has expired.');
  }
  let encryptionKeyIds: string[];
  try {
    const encKey = await key.getEncryptionKey(undefined, now);
    checkAlgorithm(encKey.getAlgorithmInfo(), 'encryption subkey');
    encryptionKeyIds = [encKey.getKeyID().toHex()];
  } catch (err) {
    if (err instanceof KeyRejectedError) throw err;
    throw new KeyRejectedError('cannot_encrypt', 'This key has no valid encryption subkey.');
  }
  if (options.requireSigning) {
    try {
      await key.getSigningKey(undefined, now);
    } catch {
      throw new KeyRejectedError('cannot_sign', 'This key has no valid signing key.');
    }
  }
  const info = key.getAlgorithmInfo();
  const userId = key.getUserIDs()[0] ?? null;
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    encryptionKeyIds,
    algorithm: info.curve ? `${info.algorithm}/${info.curve}` : `${info.algorithm}`,
    bits: info.bits ?? null,
    version: key.keyPacket.version,
    expiresAt: expiry instanceof Date ? expiry : null,
    userId,
  };
}

export async function readPrivateKey(armored: string): Promise<openpgp.PrivateKey> {
  try {
    return await openpgp.readPrivateKey({ armoredKey: armored });
  } catch {
    throw new KeyRejectedError('unreadable', 'This is not a readable OpenPGP private key.');
  }
}

/** Unlocks a passphrase-protected private key in memory; the key never leaves the device. */
export async function unlockPrivateKey(
  armored: string,
  passphrase: string,
): Promise<openpgp.PrivateKey> {
  const key = await readPrivateKey(armored);
  if (key.isDecrypted()) return key;
  return openpgp.decryptKey({ privateKey: key, passphrase });
}

/**
 * True when every secret key packet is locked, so the armored text is safe to store; and
 * whether every time on it is the start of a day, as on a reporter's key.
 */
export async function isLockedPrivateKey(
  armored: string,
): Promise<{ locked: boolean; fingerprint: string; datedByDay: boolean } | null> {
  const read = await readLockedKey(armored);
  if (!read) return null;
  return {
    locked: read.locked,
    fingerprint: read.key.getFingerprint().toUpperCase(),
    datedByDay: isDatedByDay(read.key),
  };
}

/** An armored private key, read, and whether every one of its secret parts is locked. */
export async function readLockedKey(
  armored: string,
): Promise<{ key: openpgp.PrivateKey; locked: boolean } | null> {
  try {
    const key = await openpgp.readPrivateKey({ armoredKey: armored });
    const packets = [key.keyPacket, ...key.subkeys.map((s) => s.keyPacket)];
    const locked = packets.every((p) => !('isDecrypted' in p) || p.isDecrypted() === false);
    return { key, locked };
  } catch {
    return null;
  }
}

/**
 * The public part of `key` when `armored` is exactly it: an armored public key block whose
 * packets are, byte for byte, those `key.toPublic()` writes. Reading `armored` would then give
 * that same key, so it need not be read. Null otherwise (the caller reads it as usual).
 */
export async function samePublicPart(
  armored: string,
  key: openpgp.PrivateKey,
): Promise<openpgp.PublicKey | null> {
  let sent: Uint8Array;
  try {
    const { type, data } = await openpgp.unarmor(armored);
    if (type !== openpgp.enums.armor.publicKey || !(data instanceof Uint8Array)) return null;
    sent = data;
  } catch {
    return null;
  }
  const pub = key.toPublic();
  const own = pub.write();
  if (own.length !== sent.length) return null;
  for (let i = 0; i < own.length; i++) if (own[i] !== sent[i]) return null;
  return pub;
}

/** Signs a sign-in challenge (detached, text mode) with an unlocked key: browser and CLI alike. */
export async function signChallenge(challenge: string, key: openpgp.PrivateKey): Promise<string> {
  return openpgp.sign({
    message: await openpgp.createMessage({ text: challenge }),
    signingKeys: key,
    detached: true,
    format: 'armored',
  }) as Promise<string>;
}

/**
 * Checks a detached signature over a text (a signed sign-in challenge) against one armored public
 * key at the given time. False for anything else: a bad signature, another key, unreadable input.
 */
export async function verifyDetachedText(input: {
  text: string;
  signature: string;
  publicKey: string;
  date: Date;
}): Promise<boolean> {
  try {
    const result = await openpgp.verify({
      message: await openpgp.createMessage({ text: input.text }),
      signature: await openpgp.readSignature({ armoredSignature: input.signature }),
      verificationKeys: await openpgp.readKey({ armoredKey: input.publicKey }),
      expectSigned: true,
      date: input.date,
    });
    return (await result.signatures[0]?.verified) === true;
  } catch {
    return false;
  }
}

/**
 * When a detached signature says it was made, or null for anything that is not one readable
 * signature. The signer chooses this time: it bounds nothing alone, only beside a time the signer
 * cannot choose (the day of the entry a checkpoint signs, say).
 */
export async function signatureCreated(armored: string): Promise<Date | null> {
  try {
    const [packet, ...more] = (await openpgp.readSignature({ armoredSignature: armored })).packets;
    return packet?.created && more.length === 0 ? packet.created : null;
  } catch {
    return null;
  }
}

/**
 * A key that its holder retired or superseded (RFC 9580, 5.2.3.31: a "soft" revocation), as it
 * stood before: its public key without those revocations, and when the first of them was made.
 * Null when the key is not revoked, or revoked with any other reason (compromised, or none: a
 * "hard" revocation, which no signature of the key survives), or unreadable.
 */
export async function retiredKey(armored: string): Promise<{ publicKey: string; at: Date } | null> {
  try {
    const key = await openpgp.readKey({ armoredKey: armored });
    const soft = new Set([
      openpgp.enums.reasonForRevocation.keySuperseded,
      openpgp.enums.reasonForRevocation.keyRetired,
    ]);
    const revocations = key.revocationSignatures;
    if (revocations.length === 0) return null;
    if (
      !revocations.every(
        (r) => r.reasonForRevocationFlag !== null && soft.has(r.reasonForRevocationFlag),
      )
    )
      return null;
    const at = Math.min(...revocations.map((r) => r.created?.getTime() ?? 0));
    key.revocationSignatures = [];
    return { publicKey: key.armor(), at: new Date(at) };
  } catch {
    return null;
  }
}

/** The upper-case hex fingerprint of an armored public key, or null when it is not one. */
export async function fingerprintOf(armored: string): Promise<string | null> {
  try {
    return (await openpgp.readKey({ armoredKey: armored })).getFingerprint().toUpperCase();
  } catch {
    return null;
  }
}

const ENCRYPTION_ALGORITHMS = new Set(['ecdh', 'x25519', 'x448', 'rsaEncryptSign', 'rsaEncrypt']);

const TIME_OF_DAY =
  "The reporter key carries a time of day; the portal's keys are dated at 00:00 UTC. Reload the page and try again.";

/**
 * A structural check of a reporter's freshly made public key, without verifying its
 * self-signatures: the key is the reporter's own, made by the portal's browser code, and a bad
 * one can only hurt that reporter, since every client that encrypts to it verifies it in full.
 * Skipping the signature checks keeps a submission cheap for the server under a burst. Every
 * time on the key must be the start of a day (see `dates.ts`).
 */
export async function inspectReporterKey(
  armored: string,
): Promise<{ fingerprint: string; encryptionKeyIds: string[] }> {
  return judgeReporterKey(await readPublicKey(armored));
}

/** `inspectReporterKey` on a key already read. */
export function judgeReporterKey(key: openpgp.PublicKey): {
  fingerprint: string;
  encryptionKeyIds: string[];
} {
  checkAlgorithm(key.getAlgorithmInfo(), 'primary key');
  // A key dated to the second would time the submission for anyone reading the database.
  if (!isDatedByDay(key)) throw new KeyRejectedError('time_of_day', TIME_OF_DAY);
  const encryptionKeyIds = key.subkeys
    .filter((s) => ENCRYPTION_ALGORITHMS.has(s.getAlgorithmInfo().algorithm))
    .map((s) => {
      checkAlgorithm(s.getAlgorithmInfo(), 'encryption subkey');
      return s.getKeyID().toHex();
    });
  if (encryptionKeyIds.length === 0)
    throw new KeyRejectedError('cannot_encrypt', 'This key has no encryption subkey.');
  return { fingerprint: key.getFingerprint().toUpperCase(), encryptionKeyIds };
}
