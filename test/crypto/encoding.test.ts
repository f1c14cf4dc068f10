// The shared encodings against Node's own, on edge bytes and on random ones.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, sha256Hex, toBase64Url, toHex } from '../../src/crypto/encoding';

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
});
