// Attack 9, limits per isolate: inside workerd, two instances of the Worker, each with its own
// memory as two isolates would have, share the limits through the LIMITS Durable Object. The
// look-up cap, the paid-load meter and single-use marks hold across them, and real users still
// get through.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { signInChallenge } from '../../src/client/supervisor';
import { deriveReceiptSecrets, generateReceipt, signChallenge } from '../../src/crypto';
import { createWorker } from '../../src/entry/worker';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from '../security/helpers/real-users';
import { demoKey, type Harness, makeHarness } from './harness';

// A clock that stands still (far from other files' clocks), so the look-up bucket never refills.
const FROZEN = Date.now() + 30 * 86_400_000;
const bindings: Record<string, unknown> = {
  ...env,
  PORTAL_ENV: 'test',
  PUBLIC_ORIGIN: 'http://localhost',
  POW_SUBMIT_DIFFICULTY: '4',
  POW_LOOKUP_DIFFICULTY: '4',
  POW_LOAD_SUBMIT_PER_MINUTE: '5',
  LOOKUPS_PER_SECOND: '3',
};
const isolates = [0, 1].map(() => createWorker({ now: () => new Date(FROZEN) }));
const at = (i: number) => (path: string, init?: RequestInit) =>
  isolates[i % 2]!.fetch(new Request(new URL(path, 'http://localhost'), init), bindings, {});

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});

const lookup = async (i: number, token: string, pow?: Record<string, string>) =>
  at(i)('/api/receipt', {
    headers: {
      'x-lookup-token': token,
      ...(pow ?? powHeaders(await proofOfWork(at(i), 'lookup'))),
    },
  });

describe('limits across isolates', () => {
  it('one look-up cap for all: a burst of 6 takes 6 look-ups whichever isolate answers', async () => {
    expect(env.LIMITS).toBeDefined();
    const token = (await deriveReceiptSecrets(generateReceipt())).lookupToken;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await lookup(i, token)).status);
    // Burst 2 × 3 a second, shared: per isolate it would have been 6 each, all 10 answered.
    expect(statuses.filter((s) => s === 404)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it('a look-up solution spent at one isolate is refused at the other', async () => {
    const token = (await deriveReceiptSecrets(generateReceipt())).lookupToken;
    const pow = powHeaders(await proofOfWork(at(0), 'lookup'));
    await lookup(0, token, pow);
    const replay = await lookup(1, token, pow);
    expect(replay.status).toBe(403);
  });

  it('paid load at one isolate raises the difficulty at the other', async () => {
    const difficulty = async (i: number) =>
      ((await (await at(i)('/api/pow?purpose=submit')).json()) as { difficulty: number })
        .difficulty;
    const base = await difficulty(1);
    for (let i = 0; i < 20; i++) {
      const res = await at(0)('/api/reports', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...powHeaders(await proofOfWork(at(0), 'submit')),
        },
        body: '{}',
      });
      expect(res.status).toBe(400);
    }
    expect(await difficulty(1)).toBeGreaterThanOrEqual(base + 2);
  });

  it(
    'a sign-in challenge tried at one isolate cannot be tried again at the other; real users pass',
    async () => {
      const key = await demoKey(h, 'basic-supervisor');
      const stranger = await demoKey(h, 'provincial-supervisor');
      const { challenge } = await signInChallenge(at(0));
      const attempt = async (i: number, signer: typeof key) =>
        at(i)('/api/auth/sign-in', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            fingerprint: key.getFingerprint().toUpperCase(),
            challenge,
            signature: await signChallenge(challenge, signer),
          }),
        });
      expect((await attempt(0, stranger)).status).toBe(401);
      expect((await attempt(1, key)).status).toBe(401);
      await realUsersSucceed(h.fetcher, key);
    },
    REAL_USERS_WITHIN_MS,
  );
});
