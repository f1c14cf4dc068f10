// Threat: floods of submissions and receipt guessing. Defences that track no one: proof of work
// that hardens with paid load, body caps, a memory budget for the bodies being received, and a
// global look-up limit that degrades gracefully. Each named attack of issue 18 has its own file.
import { describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { deriveReceiptSecrets, generateReceipt, solvePow } from '../../src/crypto';
import { guards } from '../../src/lib/guards';
import { rowCounts } from '../helpers/db';
import { useHarness } from '../helpers/harness';

const h = useHarness({
  POW_LOAD_SUBMIT_PER_MINUTE: '10',
  POW_LOAD_LOOKUP_PER_MINUTE: '10',
  LOOKUPS_PER_SECOND: '3',
  BODY_MEMORY_MB: '8',
});

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

/** A POST paid with fresh work; `length` is the announced size. */
async function postPaid(path: string, body: BodyInit, length: number) {
  return h.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(length),
      ...powHeaders(await proofOfWork(h.fetcher, 'submit')),
    },
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('abuse controls', () => {
  it('raise proof-of-work difficulty as paid demand rises, one bit per doubling', async () => {
    const base = await difficulty('submit');
    // Paid work counts even when the request it paid for is refused.
    for (let i = 0; i < 40; i++) await postPaid('/api/reports', '{}', 2);
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
      ['/api/auth/sign-in', 64 * 1024],
      ['/api/supervisors/enrol', 128 * 1024],
    ] as const) {
      const res = await postPaid(path, 'x'.repeat(size), size);
      expect(res.status, path).toBe(413);
    }
  });

  it('hold the bodies being received to a memory budget, with 429 and Retry-After beyond it', async () => {
    const MB = 1024 * 1024;
    // Two submissions that announced 4 MiB each and have sent 3 MiB hold 6 of the 8 MiB: bytes
    // count as they arrive, never as announced.
    const senders = await Promise.all(
      [0, 1].map(async () => {
        let sender!: ReadableStreamDefaultController<Uint8Array>;
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            sender = c;
          },
        });
        const answer = postPaid('/api/reports', body, 4 * MB);
        sender.enqueue(new Uint8Array(3 * MB).fill(32));
        return { sender, answer };
      }),
    );
    while (guards(h.ctx).bodies.inUse < 6 * MB) await new Promise((r) => setTimeout(r, 5));
    expect(guards(h.ctx).bodies.inUse).toBe(6 * MB);
    const before = await rowCounts(h.ctx);
    const refused = await postPaid('/api/reports', ' '.repeat(3 * MB), 3 * MB);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'too_many_requests',
    );
    // A small body still fits beside them.
    expect((await postPaid('/api/reports', '{}', 2)).status).toBe(400);
    const after = await rowCounts(h.ctx);
    expect({ ...after, pow_spent: 0 }).toEqual({ ...before, pow_spent: 0 });
    // Once the two are done (with bodies that are not valid), their memory is free again.
    for (const { sender } of senders) {
      sender.enqueue(new TextEncoder().encode('{"not":"a report"}'));
      sender.close();
    }
    expect((await Promise.all(senders.map((s) => s.answer))).map((r) => r.status)).toEqual([
      400, 400,
    ]);
    expect(guards(h.ctx).bodies.inUse).toBe(0);
    expect((await postPaid('/api/reports', ' '.repeat(3 * MB), 3 * MB)).status).toBe(400);
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
});
