// A cheap test that bytes look like ciphertext: a chi-square statistic of their byte counts.
// Encrypted data is indistinguishable from uniform bytes; text, JSON, zero padding or most file
// formats are far from it. It cannot prove encryption, only catch what is plainly not.

/** Bytes tested at most: enough to judge, cheap on a large upload. */
const SAMPLE = 64 * 1024;

/**
 * For uniform bytes the statistic has 255 degrees of freedom: mean 255, standard deviation
 * about 22.6 whatever the length. 700 is some twenty deviations out, which random data does not
 * reach, while a kilobyte of ASCII text scores in the thousands.
 */
export const CHI_SQUARE_LIMIT = 700;

/** Pearson's chi-square of the byte histogram of (a sample of) `bytes` against uniform. */
export function byteChiSquare(bytes: Uint8Array): number {
  const sample = bytes.subarray(0, SAMPLE);
  const n = sample.length;
  if (n === 0) return Infinity;
  const counts = new Uint32Array(256);
  // Indexed loops: iterating the bytes with for…of cost about eight times as much (0.18 ms for a
  // report's 23 KB, on every submission).
  for (let i = 0; i < n; i++) counts[sample[i] as number]! += 1;
  const expected = n / 256;
  let chi = 0;
  for (let b = 0; b < 256; b++) chi += ((counts[b] as number) - expected) ** 2 / expected;
  return chi;
}

export const looksLikeCiphertext = (bytes: Uint8Array): boolean =>
  byteChiSquare(bytes) <= CHI_SQUARE_LIMIT;

/**
 * The first bytes of an encrypted-data packet's body as openpgp.js holds it after parsing a
 * complete message: one Uint8Array, or an array of chunks. Null for anything else (a live stream).
 */
export function bodySample(encrypted: unknown): Uint8Array | null {
  if (encrypted instanceof Uint8Array) return encrypted.subarray(0, SAMPLE);
  if (!Array.isArray(encrypted) || !encrypted.every((c) => c instanceof Uint8Array)) return null;
  const out = new Uint8Array(
    Math.min(
      SAMPLE,
      encrypted.reduce((n: number, c: Uint8Array) => n + c.length, 0),
    ),
  );
  let at = 0;
  for (const chunk of encrypted as Uint8Array[]) {
    if (at >= out.length) break;
    const part = chunk.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}
