// The files of a draft are taken only once the receipt, the order of files and the receipt's daily
// quota allow it: an unknown token, a repeat of a stored file or a file beyond the quota is
// answered without reading its body (the body here records whether anyone read it).
// scenario: node and workerd
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fetcher } from '../../src/client/api';
import {
  fileSource,
  openCase,
  type PreparedReport,
  prepareReport,
  sendReport,
} from '../../src/client/reporter';
import { generateReceipt } from '../../src/crypto';
import { DRAFT_DAYS } from '../../src/lib/housekeeping';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';

let h: Harness;
let prepared: PreparedReport;

beforeAll(async () => {
  h = await makeHarness({ FOLLOWUP_MB_PER_DAY: '1' });
  const units = await h.units();
  prepared = await prepareReport({
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    receipt: generateReceipt(),
    report: sampleReport('Two files.'),
    files: ['one.txt', 'two.txt'].map((name) =>
      fileSource({ name, type: 'text/plain', bytes: new TextEncoder().encode(name) }),
    ),
  });
  // The first file is stored; the answer to the second is lost, so the report stays a draft.
  const losing: Fetcher = async (path, init) => {
    if (path === '/api/reports/files?index=1') throw new TypeError('Failed to fetch');
    return h.fetcher(path, init);
  };
  await expect(sendReport(losing, prepared)).rejects.toThrow(TypeError);
});
afterAll(() => h.close());

/** A body of `size` bytes that notes whether it was read at all. */
function watchedBody(size: number) {
  const seen = { read: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.read = true;
        controller.enqueue(new Uint8Array(size));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { seen, body };
}

async function post(index: number, token: string, size: number) {
  const { seen, body } = watchedBody(size);
  const res = await h.fetcher(`/api/reports/files?index=${index}`, {
    method: 'POST',
    headers: {
      'x-lookup-token': token,
      'content-type': 'application/octet-stream',
      'content-length': String(size),
    },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, seen };
}

describe('draft files before their body', () => {
  it('an unknown receipt: 404, the body unread', async () => {
    const r = await post(0, 'A'.repeat(43), 4096);
    expect(r.status).toBe(404);
    expect(r.seen.read).toBe(false);
  });

  it('a file already stored: the first answer again, the body unread', async () => {
    const r = await post(0, prepared.draft.lookupToken, 4096);
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ complete: false, filesReceived: 1 });
    expect(r.seen.read).toBe(false);
  });

  it('a file out of order: 409, the body unread', async () => {
    const r = await post(2, prepared.draft.lookupToken, 4096);
    expect(r.status).toBe(409);
    expect(r.seen.read).toBe(false);
  });

  it('a file beyond the receipt’s daily quota: 429 naming the quota, the body unread', async () => {
    const r = await post(1, prepared.draft.lookupToken, 2 * 1024 * 1024);
    expect(r.status).toBe(429);
    expect(r.json).toMatchObject({
      error: { code: 'too_many_requests', details: { quota: 'bytes' } },
    });
    expect(JSON.stringify(r.json)).toMatch(/1 MB of messages and files/);
    expect(r.seen.read).toBe(false);
  });

  it('its receipt on the follow-up page: an unfinished report, how far it got, how to finish', async () => {
    await expect(openCase(h.fetcher, prepared.draft.receipt)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/not finished: 1 of its 2 files arrived.*Send it again/),
      details: { unfinished: { filesReceived: 1, filesExpected: 2, days: DRAFT_DAYS } },
    });
  });

  it('within the quota, the draft finishes as before', async () => {
    const done = await sendReport(h.fetcher, prepared);
    const session = await openCase(h.fetcher, prepared.draft.receipt);
    expect(session.view.messages.map((m) => m.id)).toEqual([done.messageId]);
  });
});
