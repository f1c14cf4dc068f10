// Pads plaintext to size buckets before encryption so a ciphertext's length says little about
// what was written. Layout: 4-byte big-endian length, the bytes, then zeros to the bucket size.

const MIN_BUCKET = 1024;
const POWER_OF_TWO_UP_TO = 64 * 1024;

/**
 * Texts (up to 64 KiB) pad to powers of two from 1 KiB, so a report's length leaks about one
 * bit. Larger files use Padmé (Nikitin et al., PETS 2019): at most ~12% overhead, and a length
 * that leaks only O(log log n) bits.
 */
export function bucketSize(length: number): number {
  const needed = length + 4;
  if (needed <= MIN_BUCKET) return MIN_BUCKET;
  if (needed <= POWER_OF_TWO_UP_TO) return 2 ** Math.ceil(Math.log2(needed));
  const e = Math.floor(Math.log2(needed));
  const s = Math.floor(Math.log2(e)) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(needed / step) * step;
}

export function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(bucketSize(data.length));
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(data, 4);
  return out;
}

export function unpad(padded: Uint8Array): Uint8Array {
  if (padded.length < 4) throw new Error('padded data too short');
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (length > padded.length - 4) throw new Error('padded length out of range');
  return padded.subarray(4, 4 + length);
}

/**
 * A zeroed padded buffer for `length` bytes of content, with the length prefix written: fill
 * the returned `subarray` view, then encrypt `whole`. Saves a copy of large files.
 */
export function padded(length: number): Uint8Array & { whole: Uint8Array } {
  const whole = new Uint8Array(bucketSize(length));
  new DataView(whole.buffer).setUint32(0, length);
  return Object.assign(whole.subarray(4, 4 + length), { whole });
}
