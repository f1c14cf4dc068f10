// Sealing and opening the portal's messages: padded plaintext, encrypted to every recipient key,
// signed by the author; plus the structural check the server runs on ciphertext it accepts.

import * as openpgp from 'openpgp';
import { signatureDate, startOfDay } from './dates';
import { fromUtf8, utf8 } from './encoding';
import { pad, padded, unpad } from './padding';
import { bodySample, looksLikeCiphertext } from './randomness';

export interface SealOptions {
  /** Armored public keys that must be able to read the message. */
  recipients: string[];
  /** The author's unlocked private key, which signs the message. */
  signingKey: openpgp.PrivateKey;
  /** The clock; the packets carry only its day (see `dates.ts`). */
  now?: Date;
}

// Parsed recipient keys by armored text: a page encrypts many messages to the same few keys.
const parsedKeys = new Map<string, Promise<openpgp.PublicKey>>();

export async function encryptionKeys(armored: string[]): Promise<openpgp.PublicKey[]> {
  if (armored.length === 0) throw new Error('a message needs at least one recipient');
  return Promise.all(
    armored.map((a) => {
      let key = parsedKeys.get(a);
      if (!key) {
        if (parsedKeys.size > 64) parsedKeys.clear();
        key = openpgp.readKey({ armoredKey: a });
        key.catch(() => parsedKeys.delete(a));
        parsedKeys.set(a, key);
      }
      return key;
    }),
  );
}

/**
 * Literal data and signature both say the day, so the message does not time its author. Signed
 * first, then encrypted at the real time: recipients' keys made earlier today must still count
 * as valid when their encryption subkeys are chosen.
 */
export async function encryptDated(
  data: Uint8Array,
  options: SealOptions,
  format: 'armored' | 'binary',
  notations: openpgp.RawNotation[] = [],
  sessionKey?: openpgp.SessionKey,
) {
  const date = signatureDate(options.signingKey, options.now);
  const signed = await openpgp.sign({
    message: await openpgp.createMessage({ binary: data, date }),
    signingKeys: options.signingKey,
    date,
    format: 'object',
    ...(notations.length > 0 ? { signatureNotations: notations } : {}),
  });
  return openpgp.encrypt({
    message: signed,
    encryptionKeys: await encryptionKeys(options.recipients),
    ...(sessionKey ? { sessionKey } : {}),
    ...(options.now ? { date: options.now } : {}),
    format: format as 'armored',
  }) as Promise<string | Uint8Array>;
}

/** Encrypts and signs a JSON value; returns an armored OpenPGP message. */
export async function sealJson(value: unknown, options: SealOptions): Promise<string> {
  return encryptDated(pad(utf8(JSON.stringify(value))), options, 'armored') as Promise<string>;
}

export interface FileMeta {
  name: string;
  type: string;
  size: number;
}

/** Encrypts a file with its name and type inside the ciphertext; returns binary OpenPGP. */
export async function sealFile(
  bytes: Uint8Array,
  meta: Omit<FileMeta, 'size'>,
  options: SealOptions,
): Promise<Uint8Array> {
  const header = utf8(JSON.stringify({ name: meta.name, type: meta.type, size: bytes.length }));
  // Body = 4-byte header length, header, file; built straight into the padded buffer, so a large
  // file is copied once.
  const body = padded(4 + header.length + bytes.length);
  const view = new DataView(body.buffer, body.byteOffset);
  view.setUint32(0, header.length);
  body.set(header, 4);
  body.set(bytes, 4 + header.length);
  return encryptDated(body.whole, options, 'binary') as Promise<Uint8Array>;
}

export interface OpenOptions {
  decryptionKeys: openpgp.PrivateKey[];
  /** The keys whose signature counts; without them the signature is not looked at. */
  verificationKeys?: string[];
}

/**
 * What the signature of an opened message says, as pmcrypto reports it:
 * - `verified`: a valid signature by one of the expected keys;
 * - `unsigned`: no signature at all;
 * - `unknown-key`: signed, but by none of the expected keys (a key since revoked, or a stranger);
 * - `bad`: a signature by an expected key that does not verify (altered or forged);
 * - `not-checked`: no expected keys were given.
 * Decryption failures still throw: a message this key cannot open has no status.
 */
export type Verification = 'verified' | 'unsigned' | 'unknown-key' | 'bad' | 'not-checked';

export interface Opened<T> {
  value: T;
  /** Fingerprint of the expected key whose signature verified, else null. */
  signer: string | null;
  verification: Verification;
}

async function signatureStatus(
  signatures: openpgp.DecryptMessageResult['signatures'],
  verificationKeys: openpgp.PublicKey[] | undefined,
): Promise<{ verification: Verification; signer: string | null }> {
  if (!verificationKeys) return { verification: 'not-checked', signer: null };
  const sig = signatures[0];
  if (!sig) return { verification: 'unsigned', signer: null };
  const keyId = sig.keyID.toHex();
  const match = verificationKeys.find((k) =>
    k.getKeys().some((s) => s.getKeyID().toHex() === keyId),
  );
  if (!match) {
    // openpgp.js rejects `verified` when no key matches; swallow it so nothing is left unhandled.
    sig.verified.catch(() => undefined);
    return { verification: 'unknown-key', signer: null };
  }
  try {
    await sig.verified;
    return { verification: 'verified', signer: match.getFingerprint().toUpperCase() };
  } catch {
    return { verification: 'bad', signer: null };
  }
}

async function openBytes(
  message: openpgp.Message<Uint8Array>,
  options: OpenOptions,
): Promise<Opened<Uint8Array>> {
  const verificationKeys = options.verificationKeys
    ? await Promise.all(options.verificationKeys.map((a) => openpgp.readKey({ armoredKey: a })))
    : undefined;
  const result = await openpgp.decrypt({
    message,
    decryptionKeys: options.decryptionKeys,
    format: 'binary',
    ...(verificationKeys ? { verificationKeys } : {}),
  });
  const status = await signatureStatus(result.signatures, verificationKeys);
  return { value: unpad(result.data as Uint8Array), ...status };
}

export async function openJson<T = unknown>(
  armored: string,
  options: OpenOptions,
): Promise<Opened<T>> {
  const message = await openpgp.readMessage({ armoredMessage: armored });
  const opened = await openBytes(message, options);
  return { ...opened, value: JSON.parse(fromUtf8(opened.value)) as T };
}

export async function openFile(
  binary: Uint8Array,
  options: OpenOptions,
): Promise<Opened<{ meta: FileMeta; bytes: Uint8Array }>> {
  const message = await openpgp.readMessage({ binaryMessage: binary });
  const opened = await openBytes(message, options);
  const body = opened.value;
  const headerLength = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0);
  const meta = JSON.parse(fromUtf8(body.subarray(4, 4 + headerLength))) as FileMeta;
  return { ...opened, value: { meta, bytes: body.subarray(4 + headerLength) } };
}

/**
 * The server's check that a field really is an encrypted OpenPGP message and nothing else:
 * one or more public-key-encrypted session keys followed by integrity-protected encrypted data
 * whose body looks like ciphertext (`randomness.ts`). It cannot prove the body is encrypted to
 * those keys; it catches a client that would store plaintext by mistake. Returns the
 * recipients' key IDs (hex), or null when the input is not such a message.
 */
export async function inspectEncryptedMessage(
  input: string | Uint8Array,
): Promise<string[] | null> {
  let message: openpgp.Message<Uint8Array | string>;
  try {
    message =
      typeof input === 'string'
        ? await openpgp.readMessage({ armoredMessage: input })
        : await openpgp.readMessage({ binaryMessage: input });
  } catch {
    return null;
  }
  const tags = Array.from(
    message.packets,
    (p) => (p.constructor as unknown as { tag: number }).tag,
  );
  const PKESK = openpgp.enums.packet.publicKeyEncryptedSessionKey;
  const SEIPD = openpgp.enums.packet.symEncryptedIntegrityProtectedData;
  const AEAD = openpgp.enums.packet.aeadEncryptedData;
  const last = tags[tags.length - 1];
  const sessionKeys = tags.slice(0, -1);
  if (sessionKeys.length === 0 || !sessionKeys.every((t) => t === PKESK)) return null;
  if (last !== SEIPD && last !== AEAD) return null;
  const body = bodySample((message.packets[tags.length - 1] as { encrypted?: unknown }).encrypted);
  if (!body || !looksLikeCiphertext(body)) return null;
  return message.getEncryptionKeyIDs().map((id) => id.toHex());
}

/**
 * A fresh v4 curve25519 key pair for the reporter, locked with the receipt-derived passphrase.
 * The key and its self-signatures are dated at the start of the day: the server refuses others.
 */
export async function generateReporterKey(
  passphrase: string,
  now: Date = new Date(),
): Promise<{ publicKey: string; lockedKey: string }> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Anonymous reporter' }],
    passphrase,
    date: startOfDay(now),
    format: 'armored',
  });
  return { publicKey, lockedKey: privateKey };
}

/** A GnuPG-compatible v4 key for demos and tests: never for real supervisors' use. */
export async function generateDemoKey(
  name: string,
  passphrase: string,
): Promise<{ publicKey: string; privateKey: string }> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name }],
    passphrase,
    format: 'armored',
  });
  return { publicKey, privateKey };
}

/**
 * Pads and encrypts bytes to one public key, unsigned: the details of a notice, readable by its
 * own recipient alone (the padding keeps their length from saying how much there is).
 */
export async function sealToKey(data: Uint8Array, armoredPublicKey: string): Promise<string> {
  const key = await openpgp.readKey({ armoredKey: armoredPublicKey });
  const message = await openpgp.createMessage({ binary: pad(data) });
  return (await openpgp.encrypt({ message, encryptionKeys: key, format: 'armored' })) as string;
}
