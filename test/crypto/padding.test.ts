import { describe, expect, it } from 'vitest';
import { bucketSize, pad, unpad } from '../../src/crypto';

describe('padding to size buckets', () => {
  it('hides the exact length: many lengths share a bucket', () => {
    expect(pad(new Uint8Array(1)).length).toBe(1024);
    expect(pad(new Uint8Array(1000)).length).toBe(1024);
    expect(pad(new Uint8Array(1100)).length).toBe(2048);
    expect(pad(new Uint8Array(40_000)).length).toBe(65_536);
  });

  it('pads large files with bounded overhead, and nearby sizes share a bucket', () => {
    for (const n of [70_000, 1024 * 1024 + 70, 3 * 1024 * 1024 + 5, 25 * 1024 * 1024 + 70, 200e6]) {
      const b = bucketSize(n);
      expect(b).toBeGreaterThanOrEqual(n + 4);
      expect(b / (n + 4)).toBeLessThan(1.12);
    }
    expect(bucketSize(25 * 1024 * 1024 - 10)).toBe(bucketSize(25 * 1024 * 1024 - 100_000));
    expect(bucketSize(3 * 1024 * 1024 + 5)).toBe(bucketSize(3 * 1024 * 1024 + 30_000));
  });

  it('round-trips exactly', () => {
    for (const n of [0, 1, 1019, 1020, 1021, 60_000]) {
      const data = crypto.getRandomValues(new Uint8Array(n));
      expect(unpad(pad(data))).toEqual(data);
    }
  });

  it('rejects a corrupted length', () => {
    const padded = pad(new Uint8Array(10));
    new DataView(padded.buffer).setUint32(0, 5000);
    expect(() => unpad(padded)).toThrow();
  });
});
