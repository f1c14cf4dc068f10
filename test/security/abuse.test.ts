// Threat: floods of submissions, receipt guessing and online guessing of sign-ins. Defences that
// track no one: proof of work that hardens with load, body caps, a memory budget for the bodies
// being received, a global look-up limit that degrades gracefully, and throttling of failed
// sign-ins per key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveReceiptSecrets, generateReceipt, signChallenge, solvePow } from '../../src/crypto';
import { guards } from '../../src/lib/guards';
import { rowCounts } from '../helpers/db';
import { demoKey, type Harness, makeHarness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({
    POW_LOAD_SUBMIT_PER_MINUTE: '10',
    POW_LOAD_LOOKUP_PER_MINUTE: '10',
    LOOKUPS_PER_SECOND: '3',
    BODY_MEMORY_MB: '8',
    SIGN_IN_FAILURES: '3',
  });
});
afterAll(() => h.close());

const difficulty = async (purpose: string) =>
  ((await (await h.app.request(`/api/pow?purpose=${purpose}`)).json()) as { difficulty: number })
    .difficulty;

async function lookup(token: string) {
  const c = (await (await h.app.request('/api/pow?purpose=lookup')).json()) as {
    challenge: string;
    difficulty: number;
  };
  const nonce = await solvePow(c.challenge, c.difficulty);
  return h.app.request('/api/receipt', {
    headers: { 'x-lookup-token': token, 'x-pow-challenge': c.challenge, 'x-pow-nonce': nonce },
  });
}

describe('abuse controls', () => {
  it('raise proof-of-work difficulty as demand rises, one bit per doubling', async () => {
    const base = await difficulty('submit');
    for (let i = 0; i < 40; i++) await difficulty('submit');
    const loaded = await difficulty('submit');
    expect(loaded).toBeGreaterThanOrEqual(base + 2);
    expect(loaded).toBeLessThanOrEqual(base + 8);
    h.advance(61_000);
    try {
      expect(await difficulty('submit')).toBe(base);
    } finally {
      h.advance(-61_000);
    }
  });

  it('cap every route body before reading it', async () => {
    for (const [path, size] of [
      ['/api/reports', 5 * 1024 * 1024],
      ['/api/receipt/messages', 3 * 1024 * 1024],
      ['/api/auth/sign-in', 64 * 1024],
      ['/api/supervisors/enrol', 128 * 1024],
    ] as const) {
      const res = await h.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(size) },
        body: 'x'.repeat(size),
      });
      expect(res.status, path).toBe(413);
    }
  });

  it('hold the bodies being received to a memory budget, with 429 and Retry-After beyond it', async () => {
    const MB = 1024 * 1024;
    const post = (body: BodyInit, length: number) =>
      h.app.request('/api/reports', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(length) },
        body,
        duplex: 'half',
      } as RequestInit);
    // Two submissions whose 3 MiB bodies are still arriving hold 6 of the 8 MiB.
    const senders = [0, 1].map(() => {
      let sender!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          sender = c;
        },
      });
      return { sender, answer: post(body, 3 * MB) };
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(guards(h.ctx).bodies.inUse).toBe(6 * MB);
    const before = await rowCounts(h.ctx);
    const refused = await post('x'.repeat(3 * MB), 3 * MB);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'too_many_requests',
    );
    // A small body still fits beside them.
    const small = await post('{}', 2);
    expect(small.status).toBe(400);
    expect(await rowCounts(h.ctx)).toEqual(before);
    // Once the two are done (with bodies that are not valid), their memory is free again.
    for (const { sender } of senders) {
      sender.enqueue(new TextEncoder().encode('{"not":"a report"}'));
      sender.close();
    }
    expect((await Promise.all(senders.map((s) => s.answer))).map((r) => r.status)).toEqual([
      400, 400,
    ]);
    expect(guards(h.ctx).bodies.inUse).toBe(0);
    expect((await post('x'.repeat(3 * MB), 3 * MB)).status).toBe(400);
  });

  it('limit receipt look-ups globally with 429 and Retry-After, while other routes keep working', async () => {
    h.advance(120_000);
    try {
      const token = (await deriveReceiptSecrets(generateReceipt())).lookupToken;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 12; i++) {
        const res = await lookup(token);
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses).toContain(404);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect((await h.app.request('/api/units')).status).toBe(200);
      h.advance(5_000);
      expect((await lookup(token)).status).toBe(404);
    } finally {
      h.advance(-125_000);
    }
  });

  it('throttle failed sign-ins on a key, then let the owner in once the window passes', async () => {
    const key = await demoKey(h, 'basic-supervisor');
    const stranger = await demoKey(h, 'provincial-supervisor');
    const attempt = async (signer: typeof key) => {
      const { challenge } = (await (
        await h.app.request('/api/auth/challenge', { method: 'POST' })
      ).json()) as { challenge: string };
      return h.app.request('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          fingerprint: key.getFingerprint().toUpperCase(),
          challenge,
          signature: await signChallenge(challenge, signer),
        }),
      });
    };
    for (let i = 0; i < 3; i++) expect((await attempt(stranger)).status).toBe(401);
    const blocked = await attempt(key);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    h.advance(16 * 60_000);
    try {
      expect((await attempt(key)).status).toBe(200);
    } finally {
      h.advance(-16 * 60_000);
    }
  });
});
