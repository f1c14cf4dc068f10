// The shared encodings against Node's own, on edge bytes and on random ones; the hashes Node
// gives against @noble/hashes, which browsers and Workers use.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  fromBase64Url,
  hashesFrom,
  hmacSha256,
  sha256,
  sha256Hex,
  toBase64Url,
  toHex,
  utf8,
} from '../../src/crypto/encoding';
import * as noble from '../../src/crypto/hashes-noble';

describe('encodings', () => {
  it('hex and base64url match Node for every byte value and random inputs', () => {
    const every = Uint8Array.from({ length: 256 }, (_, i) => i);
    const samples = [
      new Uint8Array(0),
      every,
      ...Array.from({ length: 50 }, (_, i) => nodeRandomBytes(i)),
    ];
    for (const bytes of samples) {
      expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
      expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(new Uint8Array(bytes));
    }
  });

  it('hashes to lowercase hex of SHA-256', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it("hashes with Node's own on Node, to the same bytes as @noble/hashes", () => {
    // package.json's `#hashes` import condition picks node:crypto here, @noble/hashes elsewhere.
    expect(hashesFrom).toBe('node:crypto');
    expect(noble.hashesFrom).toBe('@noble/hashes');
    const texts = ['', 'abc', 'challenge:12345', '举报 receipt ✓', 'x'.repeat(1000)];
    const inputs = [
      ...texts,
      ...texts.map(utf8),
      ...Array.from({ length: 40 }, (_, i) => new Uint8Array(nodeRandomBytes(i * 7))),
    ];
    const key = new Uint8Array(nodeRandomBytes(32));
    for (const input of inputs) {
      const bytes = typeof input === 'string' ? utf8(input) : input;
      expect(toHex(sha256(input))).toBe(toHex(nobleSha256(bytes)));
      expect(toHex(noble.sha256(input))).toBe(toHex(sha256(input)));
      expect(toHex(hmacSha256(key, input))).toBe(toHex(hmac(nobleSha256, key, bytes)));
      expect(toHex(noble.hmacSha256(key, input))).toBe(toHex(hmacSha256(key, input)));
    }
  });
});
