// The check threads of the Node server (src/entry/check-pool.ts), with real keys and messages:
// they answer exactly as the checks run inline, for the largest inputs the portal accepts too; a
// thread that dies fails only the calls it held (503) and is replaced; with none left, the checks
// run inline.
import type { Worker } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encryptDated,
  generateReporterKey,
  pad,
  sealJson,
  unlockPrivateKey,
  utf8,
} from '../../src/crypto';
import { inlineChecks } from '../../src/crypto/checks';
import { CheckPool, startChecks } from '../../src/entry/check-pool';
import { AppError } from '../../src/lib/errors';
import { MAX_REPORT_MESSAGE } from '../../src/reports/schemas';

let pool: CheckPool;
let reporter: { publicKey: string; lockedKey: string };
let other: { publicKey: string; lockedKey: string };
let signingKey: openpgp.PrivateKey;
let supervisor: string;

beforeAll(async () => {
  pool = await CheckPool.start(2);
  reporter = await generateReporterKey('receipt passphrase');
  other = await generateReporterKey('another passphrase');
  signingKey = await unlockPrivateKey(reporter.lockedKey, 'receipt passphrase');
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Supervisor' }],
    format: 'armored',
  });
  supervisor = publicKey;
}, 60_000);
afterAll(() => pool?.close());

const workersOf = (p: CheckPool) => (p as unknown as { workers: Set<Worker> }).workers;

async function until(test: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !test(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(test()).toBe(true);
}

describe('check pool', () => {
  it('judges new reports, key pair and message, as the inline checks do', async () => {
    const { privateKey: unlocked } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Anonymous reporter' }],
      format: 'armored',
    });
    const message = await sealJson(
      { text: 'a report' },
      { recipients: [supervisor, reporter.publicKey], signingKey },
    );
    const pairs: [string, string][] = [
      [reporter.publicKey, reporter.lockedKey],
      [reporter.publicKey, other.lockedKey],
      [reporter.publicKey, unlocked],
      [reporter.lockedKey, reporter.lockedKey],
      ['not a key', reporter.lockedKey],
      [reporter.publicKey, 'not a key'],
    ];
    for (const [pub, locked] of pairs) {
      for (const text of [message, 'plain text']) {
        const pooled = await pool.report(pub, locked, text);
        expect(pooled).toEqual(await inlineChecks.report(pub, locked, text));
      }
    }
    const good = await pool.report(reporter.publicKey, reporter.lockedKey, message);
    expect(good.keys.ok).toBe(true);
    expect(good.encryptedTo).toHaveLength(2);
    const mismatched = await pool.report(reporter.publicKey, other.lockedKey, 'plain text');
    expect(mismatched.keys.ok).toBe(false);
    expect(mismatched.encryptedTo).toBeNull();
  });

  it('reads messages, armored and binary, as the inline checks do', async () => {
    const options = { recipients: [supervisor, reporter.publicKey], signingKey };
    const armored = await sealJson({ text: 'a report' }, options);
    const binary = (await encryptDated(pad(utf8('a chunk')), options, 'binary')) as Uint8Array;
    // A view into a larger buffer: only its own bytes may count.
    const framed = new Uint8Array(binary.length + 64);
    framed.set(binary, 32);
    const view = framed.subarray(32, 32 + binary.length);
    const plain = utf8('-----BEGIN PGP MESSAGE-----\n\nnot encrypted at all');
    for (const input of [armored, binary, view, 'plain text', plain, new Uint8Array(0)]) {
      expect(await pool.encryptedTo(input)).toEqual(await inlineChecks.encryptedTo(input));
    }
    const ids = await pool.encryptedTo(view);
    expect(ids).toHaveLength(2);
  });

  it('takes a body budget of the largest reports at once', async () => {
    const options = { recipients: [supervisor, reporter.publicKey], signingKey };
    // Armor adds a third and a line break every 64 characters: just under the cap.
    const report = (await encryptDated(
      new Uint8Array(3_090_000).fill(1),
      options,
      'armored',
    )) as string;
    expect(report.length).toBeLessThanOrEqual(MAX_REPORT_MESSAGE);
    expect(report.length).toBeGreaterThan(MAX_REPORT_MESSAGE * 0.95);
    const expected = await inlineChecks.encryptedTo(report);
    expect(expected).toHaveLength(2);
    // 64 MiB of bodies (BODY_MEMORY_MB's default) in flight, all on one thread.
    const one = await CheckPool.start(1);
    try {
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) => one.encryptedTo(`${report}${' '.repeat(i)}`)),
      );
      for (const a of answers) expect(a).toEqual(expected);
      expect(one.size).toBe(1);
    } finally {
      await one.close();
    }
  }, 60_000);

  it('fails the calls a dead thread held with 503, replaces it and answers again', async () => {
    const message = await sealJson(
      { text: 'in hand' },
      {
        recipients: [supervisor, reporter.publicKey],
        signingKey,
      },
    );
    const before = new Set(workersOf(pool));
    // Stopped first, so that neither can answer before it dies; both still count as running.
    for (const w of before) void w.terminate();
    const calls = [pool.encryptedTo(message), pool.encryptedTo(message)];
    for (const settled of await Promise.allSettled(calls)) {
      expect(settled.status).toBe('rejected');
      const err = (settled as PromiseRejectedResult).reason;
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('unavailable');
    }
    await until(() => pool.size === 2);
    expect([...workersOf(pool)].some((w) => before.has(w))).toBe(false);
    expect(await pool.encryptedTo(message)).toHaveLength(2);
  }, 30_000);

  it('runs the checks inline when no thread is left', async () => {
    const closed = await CheckPool.start(1);
    await closed.close();
    await until(() => closed.size === 0);
    const check = await closed.report(reporter.publicKey, reporter.lockedKey, 'plain text');
    expect(check.keys.ok).toBe(true);
    expect(await closed.encryptedTo('plain text')).toBeNull();
  });

  it('is not started when configured to 0 threads', async () => {
    expect(await startChecks(0, () => undefined)).toBeUndefined();
    const started = await startChecks(1, () => undefined);
    expect(started?.size).toBe(1);
    await started?.close();
  });
});
