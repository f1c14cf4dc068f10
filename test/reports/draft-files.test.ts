// A report's own files come only through /api/uploads, while the report is a draft. A chunk is
// taken only once the receipt, the upload and the order of chunks allow it: an unknown token, a
// chunk sent again or one out of order is answered without reading its body (the body here records
// whether anyone read it). Where the removed whole-file route answered a repeat with its first
// answer, chunks answer so: the file announced again finds the same upload and its count, a chunk
// already in gets 409 with the count the server holds, a whole file 409 with the files in. A
// report's own files are held to the report's limits, not to the receipt's daily follow-up quota
// (FOLLOWUP_MB_PER_DAY).
// scenario: node and workerd
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase, sendMessage, sendReport } from '../../src/client/reporter';
import { CHUNK_BYTES, chunkLayout } from '../../src/crypto';
import { DRAFT_DAYS } from '../../src/lib/housekeeping';
import { rowCounts } from '../helpers/db';
import { type Harness, makeHarness } from '../helpers/harness';
import { type DraftUpload, draftWithFiles, patterned, pendingFollowUp } from '../helpers/uploads';

let h: Harness;
let draft: DraftUpload;
/** The upload of the draft's big file, once announced. */
let big = '';

const small = (name: string) => patterned(name, 3000, 'text/plain');

beforeAll(async () => {
  h = await makeHarness({ FOLLOWUP_MB_PER_DAY: '1' });
  // Three files; the first is stored, then the tab closes before the second is announced. The
  // second is bigger than the day's follow-up quota of 1 MB and comes in two chunks.
  draft = await draftWithFiles(
    h,
    [small('one.txt'), patterned('two.mp4', CHUNK_BYTES + 200_000), small('three.txt')],
    1,
  );
}, 120_000);
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

/** Chunk `n` of an upload, sent with a watched body of a chunk's size. */
async function postChunk(uploadId: string, n: number, token: string) {
  const size = CHUNK_BYTES + 1024;
  const { seen, body } = watchedBody(size);
  const res = await h.fetcher(`/api/uploads/${uploadId}/chunks/${n}`, {
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

const token = () => draft.headers['x-lookup-token'];

describe('a draft’s own files, through /api/uploads', () => {
  it('a draft file bigger than the daily follow-up quota is not refused by it', async () => {
    const res = await draft.announce({ index: 1 });
    expect(res.status).toBe(201);
    const state = (await res.json()) as { uploadId: string; received: number; chunks: number };
    expect(state).toMatchObject({ received: 0, chunks: 2 });
    big = state.uploadId;
    // The same file for a follow-up message (another receipt, its quota whole) is over the quota:
    // the 1 MB holds, only the report's own files are not counted against it.
    const followUp = await pendingFollowUp(h, [draft.files[1]!]);
    const refused = await followUp.announce();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { details: { quota: 'bytes' } } });
  }, 120_000);

  it('an unknown receipt: 404, the chunk’s body unread', async () => {
    // Another report's receipt finds no upload of its own under this ID: the same answer.
    const other = await pendingFollowUp(h, [small('other.txt')]);
    const before = await rowCounts(h.ctx);
    for (const stranger of ['A'.repeat(43), 'not a token', other.session.lookupToken]) {
      const r = await postChunk(big, 0, stranger);
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ error: { code: 'not_found' } });
      expect(r.seen.read).toBe(false);
    }
    const unknown = { 'x-lookup-token': 'A'.repeat(43) };
    expect((await draft.announce({ index: 1 }, unknown)).status).toBe(404);
    expect(await rowCounts(h.ctx)).toEqual(before);
  }, 120_000);

  it('out of order: 409, the chunk’s body unread', async () => {
    const r = await postChunk(big, 1, token());
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ error: { code: 'conflict', details: { received: 0 } } });
    expect(r.seen.read).toBe(false);
    // Files go in order too: the third cannot begin while the second is unfinished.
    const third = await draft.announce({ index: 2 });
    expect(third.status).toBe(409);
    expect(await third.json()).toMatchObject({ error: { details: { done: 1 } } });
  });

  it('a repeat: the upload under way answers again, a chunk already in is not read twice', async () => {
    const first = await draft.send(big, 0, await draft.seal(0, 1));
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ uploadId: big, received: 1 });
    const before = await rowCounts(h.ctx);
    // The chunk again (its answer lost): 409 with the count the server holds, from which the
    // client goes on; nothing is stored twice and the body is not read.
    const again = await postChunk(big, 0, token());
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: { details: { received: 1 } } });
    expect(again.seen.read).toBe(false);
    // The file announced again (after a reload): the same upload, where it stopped, not a second.
    const resumed = await draft.announce({ index: 1 });
    expect(resumed.status).toBe(201);
    expect(await resumed.json()).toMatchObject({ uploadId: big, received: 1, chunks: 2 });
    // A file already whole is not taken again: the answer says how many files are in.
    const whole = await draft.announce({ index: 0 });
    expect(whole.status).toBe(409);
    expect(await whole.json()).toMatchObject({ error: { details: { done: 1 } } });
    expect(await rowCounts(h.ctx)).toEqual(before);
  }, 120_000);

  it('its receipt on the follow-up page: an unfinished report, how far it got, how to finish', async () => {
    await expect(openCase(h.fetcher, draft.prepared.draft.receipt)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/not finished: 1 of its 3 files arrived.*Send it again/),
      details: { unfinished: { filesReceived: 1, filesExpected: 3, days: DRAFT_DAYS } },
    });
  });

  it('the draft finishes with its big file, and the day’s follow-up quota is still whole', async () => {
    // The page sends the report again: the big file goes on from its second chunk.
    const done = await sendReport(h.fetcher, draft.prepared);
    const session = await openCase(h.fetcher, draft.prepared.draft.receipt);
    expect(session.view.messages.map((m) => m.id)).toEqual([done.messageId]);
    const files = session.view.messages[0]!.attachments;
    expect(files).toHaveLength(3);
    expect(files[1]!.id).toBe(big);
    expect(files[1]!.size).toBeGreaterThan(chunkLayout(draft.files[1]!).total);
    // 5 MB of the report's own files today: a follow-up with a file still fits in today's 1 MB.
    const note = { name: 'note.txt', type: 'text/plain', bytes: new Uint8Array(200 * 1024) };
    await expect(sendMessage(session, 'And one more thing.', [note])).resolves.toMatchObject({
      failedFiles: [],
    });
  }, 120_000);
});
