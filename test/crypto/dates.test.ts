// OpenPGP dates: what the portal's code signs and encrypts carries the day at 00:00 UTC, never the
// moment, for reporters and supervisors alike; and the byte test that tells ciphertext from text.
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import {
  byteChiSquare,
  CHI_SQUARE_LIMIT,
  generateReporterKey,
  keyTimes,
  looksLikeCiphertext,
  sealFile,
  sealJson,
  signatureDate,
  startOfDay,
  unlockPrivateKey,
  utf8,
} from '../../src/crypto';
import { innerTimesOfDay } from '../security/forensic-checks';

const at = (iso: string) => new Date(iso);

async function supervisorKey(created: Date) {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Supervisor' }],
    date: created,
    format: 'object',
  });
  return privateKey;
}

describe('OpenPGP dates', () => {
  it('start the reporter key and all its signatures at 00:00 UTC of the day', async () => {
    const now = at('2026-11-30T14:07:31.250Z');
    const { lockedKey } = await generateReporterKey('pass', now);
    const key = await unlockPrivateKey(lockedKey, 'pass');
    const times = keyTimes(key);
    expect(times.length).toBeGreaterThanOrEqual(4);
    for (const t of times) expect(t.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it("date a supervisor's reply and file at the day, whatever the hour of sending", async () => {
    const key = await supervisorKey(at('2026-10-01T09:15:00Z'));
    const recipients = [key.toPublic().armor()];
    const now = at('2026-11-30T17:45:12Z');
    const reply = await sealJson(
      { v: 1, type: 'reply', text: 'hi' },
      { recipients, signingKey: key, now },
    );
    expect(await innerTimesOfDay(reply, key)).toEqual([]);
    const file = await sealFile(
      utf8('x'),
      { name: 'a', type: 'text/plain' },
      { recipients, signingKey: key, now },
    );
    expect(await innerTimesOfDay(file, key)).toEqual([]);
  });

  it('never date a signature before its key: a key made today signs at its own creation', () => {
    const created = at('2026-11-30T09:15:00Z');
    expect(signatureDate({ getCreationTime: () => created }, at('2026-11-30T17:00:00Z'))).toEqual(
      created,
    );
    expect(signatureDate({ getCreationTime: () => created }, at('2026-12-01T08:00:00Z'))).toEqual(
      startOfDay(at('2026-12-01T08:00:00Z')),
    );
  });
});

describe('ciphertext test', () => {
  it('passes random bytes of every length and refuses text, JSON and zero padding', () => {
    for (const n of [16, 100, 1000, 4096, 65_536]) {
      expect(looksLikeCiphertext(crypto.getRandomValues(new Uint8Array(n)))).toBe(true);
    }
    const json = utf8(
      JSON.stringify({ whatHappened: 'The vice-president asked me to delay case 2026-17.' }),
    );
    expect(byteChiSquare(json)).toBeGreaterThan(CHI_SQUARE_LIMIT);
    expect(looksLikeCiphertext(new Uint8Array(1024))).toBe(false);
  });
});
