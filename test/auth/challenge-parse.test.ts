// parseChallenge reads only the five-line text the portal issues: any other shape is null, and
// what it returns is exactly what was written (the MAC covers the expiry as written).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../src/auth/challenge';

const TITLE = 'Whistleblower portal sign-in';
const value = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n]/.test(s));
const challenge = (f: { origin: string; purpose: string; nonce: string; expires: string }) =>
  [
    TITLE,
    `origin: ${f.origin}`,
    `purpose: ${f.purpose}`,
    `nonce: ${f.nonce}`,
    `expires: ${f.expires}`,
  ].join('\n');

describe('parseChallenge', () => {
  it('returns exactly the fields written, with CRLF or LF and surrounding blank space', () => {
    fc.assert(
      fc.property(
        value.filter((s) => s.trim() === s),
        value,
        value.filter((s) => s.trim() === s),
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.boolean(),
        (origin, purpose, nonce, date, crlf) => {
          const expires = date.toISOString();
          let text = challenge({ origin, purpose, nonce, expires });
          if (crlf) text = `\r\n${text.replace(/\n/g, '\r\n')}\r\n`;
          const parsed = parseChallenge(text);
          expect(parsed).not.toBeNull();
          expect(parsed!.origin).toBe(origin);
          expect(parsed!.nonce).toBe(nonce);
          expect(parsed!.expiresText).toBe(expires);
          expect(parsed!.expires.getTime()).toBe(date.getTime());
        },
      ),
    );
  });

  it('refuses any other shape', () => {
    const good = challenge({
      origin: 'https://portal.example',
      purpose: 'supervisor-sign-in',
      nonce: 'abc.def',
      expires: '2030-01-01T00:00:00.000Z',
    });
    expect(parseChallenge(good)).not.toBeNull();
    const bad = [
      '',
      good.replace(TITLE, 'Another title'),
      `${good}\nextra: line`,
      good.split('\n').slice(0, 4).join('\n'),
      good.replace('expires: 2030-01-01T00:00:00.000Z', 'expires: tomorrow'),
      good.replace('nonce: abc.def', 'nonce: '),
      good.replace('origin: ', 'origin:'),
    ];
    for (const text of bad) expect(parseChallenge(text)).toBeNull();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parseChallenge(`${TITLE}\n${text}`);
        expect(parsed === null || typeof parsed.origin === 'string').toBe(true);
      }),
    );
  });
});
