// The files of a draft are taken only once the receipt and the order of files allow it: an unknown
// token, a repeat of a stored file or a file out of order is answered without reading its body
// (the body here records whether anyone read it). A report's own files are held to the report's
// limits, not to the receipt's daily follow-up quota (FOLLOWUP_MB_PER_DAY).
// scenario: node and workerd
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type Fetcher } from '../../src/client/api';
import {
  fileSource,
  openCase,
  type PreparedReport,
  prepareReport,
  sendMessage,
  sendReport,
} from '../../src/client/reporter';
import { generateReceipt } from '../../src/crypto';
import { DRAFT_DAYS } from '../../src/lib/housekeeping';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';

let h: Harness;
let prepared: PreparedReport;
const twoBytes = new Uint8Array(1536 * 1024).map((_, i) => i & 0xff);

beforeAll(async () => {
  h = await makeHarness({ FOLLOWUP_MB_PER_DAY: '1' });
  const units = await h.units();
  prepared = await prepareReport({
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    receipt: generateReceipt(),
    report: sampleReport('Two files.'),
    files: [
      fileSource({ name: 'one.txt', type: 'text/plain', bytes: new TextEncoder().encode('one') }),
      // Bigger than the day's follow-up quota of 1 MB: a report's own file is not held to it.
      fileSource({ name: 'two.bin', type: 'application/octet-stream', bytes: twoBytes }),
    ],
  });
  // The first file is stored; the tab closes before the second is announced: a draft remains.
  let announced = 0;
  const closing: Fetcher = async (path, init) => {
    if (path === '/api/uploads' && ++announced === 2)
      throw new ApiError(499, 'tab_closed', 'The tab was closed.');
    return h.fetcher(path, init);
  };
  await expect(sendReport(closing, prepared)).rejects.toMatchObject({ code: 'tab_closed' });
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

  it('a draft file bigger than the daily follow-up quota is not refused by it', async () => {
    // Read and judged on its own merits (here: not OpenPGP), never a 429 for the quota.
    const r = await post(1, prepared.draft.lookupToken, 2 * 1024 * 1024);
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ error: { code: 'not_encrypted' } });
    expect(r.seen.read).toBe(true);
  });

  it('its receipt on the follow-up page: an unfinished report, how far it got, how to finish', async () => {
    await expect(openCase(h.fetcher, prepared.draft.receipt)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/not finished: 1 of its 2 files arrived.*Send it again/),
      details: { unfinished: { filesReceived: 1, filesExpected: 2, days: DRAFT_DAYS } },
    });
  });

  it('the draft finishes with its big file, and the day’s follow-up quota is still whole', async () => {
    const done = await sendReport(h.fetcher, prepared);
    const session = await openCase(h.fetcher, prepared.draft.receipt);
    expect(session.view.messages.map((m) => m.id)).toEqual([done.messageId]);
    // 1.5 MB of the report's own files: a follow-up with a file still fits in today's 1 MB.
    const small = { name: 'note.txt', type: 'text/plain', bytes: new Uint8Array(200 * 1024) };
    await expect(sendMessage(session, 'And one more thing.', [small])).resolves.toMatchObject({
      failedFiles: [],
    });
  }, 120_000);
});
