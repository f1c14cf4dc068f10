// Receipt codes: 120 random bits in Crockford base32, a Luhn mod 32 check character, and the
// HKDF derivation of the lookup token and the reporter key passphrase.

import { randomBytes, toBase64Url, utf8 } from './encoding';

/** Crockford's alphabet: no I, L, O or U, so hand-copied codes are hard to misread. */
export const RECEIPT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_DATA_CHARS = 24; // 24 × 5 bits = 120 bits of entropy
export const RECEIPT_GROUP = 5;
const N = RECEIPT_ALPHABET.length;

export type ReceiptCheck =
  | { ok: true; code: string }
  | { ok: false; reason: 'length' | 'character' | 'checksum' };

function encodeBits(bytes: Uint8Array, chars: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += RECEIPT_ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/**
 * Luhn mod N check character: catches every single-character error and every transposition of
 * two adjacent characters except the ones the algorithm is known to miss (rare with N = 32).
 */
export function checkCharacter(data: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = data.length - 1; i >= 0; i--) {
    const code = RECEIPT_ALPHABET.indexOf(data[i] as string);
    if (code < 0) throw new Error('receipt data outside the alphabet');
    let addend = factor * code;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  const check = (N - (sum % N)) % N;
  return RECEIPT_ALPHABET[check] as string;
}

/** Folds what a person may type into the canonical form: case, separators and confusables. */
export function normalizeReceipt(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s\-_.·]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
    .replace(/U/g, 'V');
}

export function formatReceipt(code: string): string {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += RECEIPT_GROUP)
    groups.push(code.slice(i, i + RECEIPT_GROUP));
  return groups.join('-');
}

/** A new receipt from the platform CSPRNG, canonical form (ungrouped). */
export function generateReceipt(): string {
  const data = encodeBits(randomBytes(15), RECEIPT_DATA_CHARS);
  return data + checkCharacter(data);
}

/** Checks a typed receipt locally, before any request is made. */
export function parseReceipt(input: string): ReceiptCheck {
  const code = normalizeReceipt(input);
  if (code.length !== RECEIPT_DATA_CHARS + 1) return { ok: false, reason: 'length' };
  for (const ch of code)
    if (!RECEIPT_ALPHABET.includes(ch)) return { ok: false, reason: 'character' };
  const data = code.slice(0, RECEIPT_DATA_CHARS);
  if (checkCharacter(data) !== code.slice(RECEIPT_DATA_CHARS)) {
    return { ok: false, reason: 'checksum' };
  }
  return { ok: true, code };
}

export interface ReceiptSecrets {
  /** Sent to the server to find the report; the server stores only its SHA-256. */
  lookupToken: string;
  /** Locks the reporter's private key; never leaves the browser. */
  keyPassphrase: string;
}

const HKDF_SALT = utf8('whistle-portal receipt v1');

async function hkdf(ikm: CryptoKey, label: string): Promise<string> {
  const bits = await globalThis.crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: HKDF_SALT as BufferSource,
      info: utf8(label) as BufferSource,
    },
    ikm,
    256,
  );
  return toBase64Url(new Uint8Array(bits));
}

/** Derives both secrets from a canonical receipt with HKDF-SHA-256 under distinct labels. */
export async function deriveReceiptSecrets(code: string): Promise<ReceiptSecrets> {
  const parsed = parseReceipt(code);
  if (!parsed.ok) throw new Error(`invalid receipt (${parsed.reason})`);
  const ikm = await globalThis.crypto.subtle.importKey(
    'raw',
    utf8(parsed.code) as BufferSource,
    'HKDF',
    false,
    ['deriveBits'],
  );
  const [lookupToken, keyPassphrase] = await Promise.all([
    hkdf(ikm, 'lookup-token'),
    hkdf(ikm, 'reporter-key-passphrase'),
  ]);
  return { lookupToken, keyPassphrase };
}
