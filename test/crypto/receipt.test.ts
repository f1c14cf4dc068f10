import { describe, expect, it } from 'vitest';
import {
  checkCharacter,
  deriveReceiptSecrets,
  formatReceipt,
  generateReceipt,
  normalizeReceipt,
  parseReceipt,
  RECEIPT_ALPHABET,
  RECEIPT_DATA_CHARS,
} from '../../src/crypto';

describe('receipt codes', () => {
  it('have 24 data characters of 5 bits (120 bits) plus a check character', () => {
    const code = generateReceipt();
    expect(code).toHaveLength(RECEIPT_DATA_CHARS + 1);
    expect(RECEIPT_DATA_CHARS * Math.log2(RECEIPT_ALPHABET.length)).toBeGreaterThanOrEqual(120);
    expect(parseReceipt(code)).toEqual({ ok: true, code });
  });

  it('are spread evenly over the alphabet and never repeat', () => {
    const codes = Array.from({ length: 2000 }, generateReceipt);
    expect(new Set(codes).size).toBe(codes.length);
    const counts = new Map<string, number>();
    for (const c of codes)
      for (const ch of c.slice(0, RECEIPT_DATA_CHARS)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = (codes.length * RECEIPT_DATA_CHARS) / 32;
    expect(counts.size).toBe(32);
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });

  it('group into fives and fold case, separators and confusable letters', () => {
    const code = generateReceipt();
    const grouped = formatReceipt(code);
    expect(grouped).toMatch(/^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$/);
    expect(parseReceipt(` ${grouped.toLowerCase()} `)).toEqual({ ok: true, code });
    expect(normalizeReceipt('o-i-l-u')).toBe('011V');
  });

  it('catch every single-character substitution through the check character', () => {
    const code = generateReceipt();
    for (let i = 0; i < code.length; i++) {
      for (const ch of RECEIPT_ALPHABET) {
        if (ch === code[i]) continue;
        const typo = code.slice(0, i) + ch + code.slice(i + 1);
        expect(parseReceipt(typo).ok).toBe(false);
      }
    }
  });

  it('catch swapped neighbours and wrong lengths', () => {
    let caught = 0;
    let total = 0;
    for (let n = 0; n < 50; n++) {
      const code = generateReceipt();
      for (let i = 0; i < code.length - 1; i++) {
        if (code[i] === code[i + 1]) continue;
        total++;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        if (!parseReceipt(swapped).ok) caught++;
      }
    }
    expect(caught / total).toBeGreaterThan(0.95);
    expect(parseReceipt(generateReceipt().slice(1))).toEqual({ ok: false, reason: 'length' });
    expect(parseReceipt(`${generateReceipt().slice(1)}!`)).toEqual({
      ok: false,
      reason: 'character',
    });
  });

  it('derive distinct, deterministic secrets under separate labels', async () => {
    const code = generateReceipt();
    const a = await deriveReceiptSecrets(code);
    const b = await deriveReceiptSecrets(formatReceipt(code).toLowerCase());
    expect(a).toEqual(b);
    expect(a.lookupToken).not.toBe(a.keyPassphrase);
    expect(a.lookupToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.lookupToken).not.toContain(code);
    const other = await deriveReceiptSecrets(generateReceipt());
    expect(other.lookupToken).not.toBe(a.lookupToken);
  });

  it('refuse to derive from a mistyped receipt', async () => {
    const code = generateReceipt();
    const data = code.slice(0, -1);
    const wrong = RECEIPT_ALPHABET[(RECEIPT_ALPHABET.indexOf(checkCharacter(data)) + 1) % 32];
    await expect(deriveReceiptSecrets(data + wrong)).rejects.toThrow(/checksum/);
  });
});
