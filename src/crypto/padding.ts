// Pads plaintext to size buckets before encryption so a ciphertext's length says little about
// what was written. Layout: 4-byte big-endian length, the bytes, then zeros to the bucket size.

const MIN_BUCKET = 1024;
const MIB = 1024 * 1024;

/** Powers of two from 1 KiB to 1 MiB, then whole MiB: at most ~1 bit of length leaks below 1 MiB. */
export function bucketSize(length: number): number {
  const needed = length + 4;
  if (needed <= MIN_BUCKET) return MIN_BUCKET;
  if (needed <= MIB) return 2 ** Math.ceil(Math.log2(needed));
  return Math.ceil(needed / MIB) * MIB;
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
