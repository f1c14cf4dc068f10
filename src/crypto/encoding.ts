// Byte/text encodings and hashes shared by browser, CLI and server; no node: or DOM imports.

import { sha256 } from '#hashes';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Lowercase hex, as one flat string: built with `+=`, it would be a rope of 2-character pieces
 * that V8 keeps as it is, about 1 KB for a SHA-256, in every map the hash is kept in.
 */
export function toHex(bytes: Uint8Array): string {
  const pairs = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) pairs[i] = HEX_PAIRS[bytes[i]!]!;
  return pairs.join('');
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

const POOL_BYTES = 4096;
let pool: Uint8Array = new Uint8Array(0);
let poolAt = 0;

/**
 * Random bytes for values drawn often and a few bytes at a time (identifiers, challenge nonces),
 * cut from a buffer the CSPRNG fills 4 KB at a time: one call to it costs about 4 µs on Node
 * whether it draws 16 bytes or 4 KB. Each byte is handed out once. Not for keys or tokens that
 * grant access: those come from `randomBytes`, so that no secret waits in memory before its use.
 */
export function pooledRandomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES / 8) return randomBytes(length);
  if (poolAt + length > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  poolAt += length;
  return pool.slice(poolAt - length, poolAt);
}

/**
 * SHA-256 and HMAC-SHA-256, synchronously. `#hashes` is chosen by package.json's import
 * conditions: Node's own `node:crypto` on Node, @noble/hashes elsewhere, so the browser and
 * Workers bundles of this module carry no `node:` import. Both give the same bytes
 * (test/crypto/encoding.test.ts).
 */
export { hashesFrom, hmacSha256, sha256 } from '#hashes';

/** SHA-256 as lowercase hex. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return toHex(sha256(data));
}

/** Compares two strings without an early exit, so timing does not reveal a common prefix. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
