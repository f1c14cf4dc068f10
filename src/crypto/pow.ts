// Proof of work: find a nonce so that SHA-256(challenge ":" nonce) starts with `difficulty`
// zero bits. The same code solves in the browser and checks on the server.

import { utf8 } from './encoding';

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

export async function powHashBits(challenge: string, nonce: string): Promise<number> {
  const digest = await globalThis.crypto.subtle.digest(
    'SHA-256',
    utf8(`${challenge}:${nonce}`) as BufferSource,
  );
  return leadingZeroBits(new Uint8Array(digest));
}

/** Tries nonces 0, 1, 2… until one meets the difficulty; yields to the event loop now and then. */
export async function solvePow(
  challenge: string,
  difficulty: number,
  onProgress?: (tries: number) => void,
): Promise<string> {
  for (let n = 0; ; n++) {
    const nonce = n.toString(36);
    if ((await powHashBits(challenge, nonce)) >= difficulty) return nonce;
    if (n % 4096 === 4095) {
      onProgress?.(n + 1);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}
