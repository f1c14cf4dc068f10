// Byte/text encodings and hashes shared by browser, CLI and server; no node: or DOM imports.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

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

interface Digest {
  update(data: Uint8Array | string): { digest(): Uint8Array };
}

/** What this module takes from Node's `node:crypto`. */
interface NodeHashes {
  createHash(algorithm: 'sha256'): Digest;
  createHmac(algorithm: 'sha256', key: Uint8Array): Digest;
}

/**
 * Node's own hashes when the runtime is Node, found through `process.getBuiltinModule` (Node
 * 20.16 and later) rather than imported, so that the browser and Workers bundles of this module
 * carry no `node:` import; they hash with @noble/hashes. A receipt look-up hashes four times:
 * Node's hashes take about 6% off its time on the server. Both give the same bytes
 * (test/crypto/encoding.test.ts).
 */
const nodeHashes = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeHashes | undefined;

/** Which implementation hashes here: Node's, or @noble/hashes (browsers, Workers). */
export const hashesFrom: 'node:crypto' | '@noble/hashes' = nodeHashes
  ? 'node:crypto'
  : '@noble/hashes';

/**
 * SHA-256, synchronously (Node's, else audited @noble/hashes): for the short inputs hashed here,
 * a WebCrypto call costs far more in its hop to a worker thread than the hash itself.
 */
export function sha256(data: Uint8Array | string): Uint8Array {
  if (nodeHashes) return nodeHashes.createHash('sha256').update(data).digest();
  return nobleSha256(typeof data === 'string' ? utf8(data) : data);
}

/** SHA-256 as lowercase hex. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return toHex(sha256(data));
}

/** HMAC-SHA-256. */
export function hmacSha256(key: Uint8Array, data: Uint8Array | string): Uint8Array {
  if (nodeHashes) return nodeHashes.createHmac('sha256', key).update(data).digest();
  return hmac(nobleSha256, key, typeof data === 'string' ? utf8(data) : data);
}

/** Compares two strings without an early exit, so timing does not reveal a common prefix. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
