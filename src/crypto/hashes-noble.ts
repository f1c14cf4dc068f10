// SHA-256 and HMAC-SHA-256 from the audited @noble/hashes, the `#hashes` default for browsers
// and Workers. Synchronous: for the short inputs hashed here, a WebCrypto call costs far more in
// its hop to a worker thread than the hash itself.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export const hashesFrom = '@noble/hashes' as 'node:crypto' | '@noble/hashes';

const bytes = (data: Uint8Array | string): Uint8Array =>
  typeof data === 'string' ? new TextEncoder().encode(data) : data;

export const sha256 = (data: Uint8Array | string): Uint8Array => nobleSha256(bytes(data));

export const hmacSha256 = (key: Uint8Array, data: Uint8Array | string): Uint8Array =>
  hmac(nobleSha256, key, bytes(data));
