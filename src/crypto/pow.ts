// Proof of work: find a nonce so that SHA-256(challenge ":" nonce) starts with `difficulty`
// zero bits. The same code solves in the browser and checks on the server.

import { sha256 } from './encoding';

export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

export function powHashBits(challenge: string, nonce: string): number {
  return leadingZeroBits(sha256(`${challenge}:${nonce}`));
}

/** Tries nonces 0, 1, 2… until one meets the difficulty; yields to the event loop now and then. */
export async function solvePow(
  challenge: string,
  difficulty: number,
  onProgress?: (tries: number) => void,
): Promise<string> {
  for (let n = 0; ; n++) {
    const nonce = n.toString(36);
    if (powHashBits(challenge, nonce) >= difficulty) return nonce;
    if (n % 16384 === 16383) {
      onProgress?.(n + 1);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}
