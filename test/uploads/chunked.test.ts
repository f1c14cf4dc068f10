// Files in numbered chunks: a file cut off mid-way and resumed after a "reload" (a fresh client
// holding only the receipt and the same file) arrives whole and decrypts byte for byte; each bad
// chunk is refused with a 4xx and nothing partial ever reaches a supervisor.
// scenario: node and workerd
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type Fetcher } from '../../src/client/api';
import { downloadTo } from '../../src/client/downloads';
import {
  openCase,
  prepareReport,
  resumeReport,
  sendMessage,
  sendReport,
} from '../../src/client/reporter';
import { attachmentSource, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import { sendFile } from '../../src/client/uploads';
import { CHUNK_BYTES, chunkLayout, generateReceipt, wrappedKeys } from '../../src/crypto';
import { dropStaleUploads } from '../../src/uploads/service';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  RUNTIME,
  reportTo,
  sampleReport,
  withCookies,
} from '../helpers/harness';
import { patternByte, patterned, pendingFollowUp } from '../helpers/uploads';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ FOLLOWUP_MB_PER_DAY: '64' });
});
afterAll(() => h.close());

/**
 * Passes requests on; the ones `cut` picks never arrive, or arrive and lose their answer; after
 * `close` the tab is gone (nothing more is sent, and the client cannot retry).
 */
function cutting(cut: (path: string) => 'before' | 'after' | 'close' | null): Fetcher {
  let closed = false;
  return async (path, init) => {
    const how = cut(path);
    if (closed) throw new ApiError(499, 'tab_closed', 'The tab was closed.');
    if (how === 'before') throw new TypeError('Failed to fetch');
    const res = await h.fetcher(path, init);
    if (how === 'after') throw new TypeError('Failed to fetch');
    if (how === 'close') {
      closed = true;
      throw new ApiError(499, 'tab_closed', 'The tab was closed.');
    }
    return res;
  };
}

/** Downloads as a supervisor, checking every byte against the pattern as it streams in. */
async function checkAsSupervisor(reportId: string, size: number) {
  const key = await demoKey(h, 'basic-supervisor');
  const s = await signIn(withCookies(h.fetcher), key);
  const c = await fetchCase(s, reportId);
  const files = c.messages.flatMap((m) => m.attachments);
  expect(files).toHaveLength(1);
  const { path, options } = attachmentSource(s, c, 'report', files[0]!.id);
  let at = 0;
  let wrong = 0;
  const meta = await downloadTo(s.fetcher, path, {}, options, {
    write: (bytes) => {
      for (let i = 0; i < bytes.length; i++) if (bytes[i] !== patternByte(at + i)) wrong++;
      at += bytes.length;
    },
  });
  expect({ name: meta.name, size: meta.size, at, wrong }).toEqual({
    name: 'meeting.mp4',
    size,
    at: size,
    wrong: 0,
  });
}

describe('a large file in chunks', () => {
  // workerd runs the same scenario over R2's multipart upload; a smaller file keeps it quick.
  const size = RUNTIME === 'workerd' ? 3 * CHUNK_BYTES + 12345 : 4 * CHUNK_BYTES + 12345;

  it('survives a cut connection and a reload, and arrives byte for byte', async () => {
    const units = await h.units();
    const unitId = demoUnit(units, 'basic').id;
    const receipt = generateReceipt();
    const file = patterned('meeting.mp4', size);
    const input = { units, unitId, copyToParent: false, receipt, files: [file] };
    const prepared = await prepareReport({ ...input, report: sampleReport('Recorded.') });
    // Chunk 1 never arrives the first time (the client tries again by itself), and chunk 1's
    // answer is lost the second time (the client asks the server where it stands and goes on);
    // then chunk 2 is stored and the tab closes before its answer arrives.
    let tries = 0;
    const flaky = cutting((p) => {
      if (p.endsWith('/chunks/1')) return ['before', 'after', null][tries++] as 'before' | null;
      if (p.endsWith('/chunks/2')) return 'close';
      return null;
    });
    await expect(sendReport(flaky, prepared)).rejects.toMatchObject({ code: 'tab_closed' });
    const key = await demoKey(h, 'basic-supervisor');
    const s = await signIn(withCookies(h.fetcher), key);
    const before = (await inbox(s)).items.length;

    // After the reload: the receipt and the same file chosen again.
    const resumed = await resumeReport(h.fetcher, receipt, units, [file]);
    const sealed: number[] = [];
    const counting = {
      ...resumed,
      sealChunk: (i: number, chunk: Parameters<typeof resumed.sealChunk>[1]) => {
        sealed.push(chunk.n);
        // Every chunk after the reload is sealed with the file's key, recovered from the packets
        // of the chunk the server holds.
        expect(chunk.keys).toMatch(/^[A-Za-z0-9_-]+$/);
        return resumed.sealChunk(i, chunk);
      },
    };
    const done = await sendReport(h.fetcher, counting);
    // It went on after the last chunk the server had: chunks 0 to 2 were not sealed again.
    const count = chunkLayout(file).count;
    expect(sealed).toEqual(Array.from({ length: count - 3 }, (_, i) => i + 3));
    expect((await inbox(s)).items.length).toBe(before + 1);
    const cases = await Promise.all((await inbox(s)).items.map((i) => fetchCase(s, i.id)));
    const mine = cases.find((c) => c.messages[0]?.id === done.messageId);
    expect(mine).toBeDefined();
    await checkAsSupervisor(mine!.id, size);
  }, 300_000);
});

describe('a lost answer to a file’s last chunk', () => {
  /** Each file's last (here only) chunk is stored, and its first answer never reaches the client. */
  function losingLastAnswers() {
    const lost = new Set<string>();
    let reports = 0;
    const fetcher = cutting((p) => {
      if (p === '/api/reports') reports += 1;
      if (!/\/chunks\/0$/.test(p) || lost.has(p)) return null;
      lost.add(p);
      return 'after';
    });
    return { fetcher, lost, reports: () => reports };
  }
  const small = [patterned('a.mp4', 3000), patterned('b.mp4', 5000)];

  it('a report learns that its files are in and ends with the receipt', async () => {
    const units = await h.units();
    const unitId = demoUnit(units, 'basic').id;
    const input = { units, unitId, copyToParent: false, receipt: generateReceipt(), files: small };
    const prepared = await prepareReport({ ...input, report: sampleReport('Answers lost.') });
    const net = losingLastAnswers();
    const done = await sendReport(net.fetcher, prepared);
    // Both files' answers were lost; each time the report was sent again to learn its state (the
    // second time it was complete: the last file had made it a case).
    expect(net.lost.size).toBe(2);
    expect(net.reports()).toBe(3);
    const s = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const cases = await Promise.all((await inbox(s)).items.map((i) => fetchCase(s, i.id)));
    const mine = cases.find((c) => c.messages[0]?.id === done.messageId);
    expect(mine?.messages[0]?.attachments).toHaveLength(2);
  }, 120_000);

  it('a follow-up goes on to its next file and ends complete', async () => {
    const { receipt } = await reportTo(h, 'basic', 'Files follow.');
    const net = losingLastAnswers();
    const session = await openCase(net.fetcher, receipt);
    const { messageId } = await sendMessage(session, 'Two recordings.', small);
    expect(net.lost.size).toBe(2);
    const pending = await h.fetcher('/api/receipt/pending', {
      headers: { 'x-lookup-token': session.lookupToken },
    });
    expect(((await pending.json()) as { pending: unknown[] }).pending).toEqual([]);
    const s = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const cases = await Promise.all((await inbox(s)).items.map((i) => fetchCase(s, i.id)));
    const message = cases.flatMap((c) => c.messages).find((m) => m.id === messageId);
    expect(message?.attachments).toHaveLength(2);
  }, 120_000);
});

describe('bad chunks', () => {
  /** A follow-up message announced with one file: it waits, pending, for that file. */
  const followUp = () => pendingFollowUp(h);

  const idOf = async (res: Response) => ((await res.json()) as { uploadId: string }).uploadId;
  const codeOf = async (res: Response) =>
    [res.status, ((await res.json()) as { error: { code: string } }).error.code] as const;

  it('gives up at once when sealing fails (it would fail again), and retries only the network', async () => {
    const p = await pendingFollowUp(h);
    const waits: number[] = [];
    let seals = 0;
    const unreadable = new Error('The file could not be read: it was changed or removed.');
    const failed = await sendFile({
      fetcher: h.fetcher,
      lookupToken: p.session.lookupToken,
      messageId: p.messageId,
      index: 0,
      file: p.files[0]!,
      seal: async () => {
        seals += 1;
        throw unreadable;
      },
      wait: async (ms) => void waits.push(ms),
    }).catch((err: unknown) => err);
    expect(failed).toBe(unreadable);
    expect(seals).toBe(1);
    expect(waits).toEqual([]);
    // A lost connection, by contrast, is tried again, after a wait, and the file goes in.
    let cut = 1;
    const sent = await sendFile({
      fetcher: async (path, init) => {
        if (path.includes('/chunks/') && cut-- > 0) throw new TypeError('Failed to fetch');
        return h.fetcher(path, init);
      },
      lookupToken: p.session.lookupToken,
      messageId: p.messageId,
      index: 0,
      file: p.files[0]!,
      seal: (chunk) => p.seal(chunk.n),
      wait: async (ms) => void waits.push(ms),
    });
    expect(sent.attachmentId).toBeTruthy();
    expect(waits).toHaveLength(1);
  });

  it('refuses chunks out of order, replayed, cut short or for another case', async () => {
    const a = await followUp();
    const id = await idOf(await a.announce());
    const first = await a.seal(0);
    expect(await codeOf(await a.send(id, 1, await a.seal(1)))).toEqual([409, 'conflict']);
    expect((await a.send(id, 0, first)).status).toBe(201);
    expect(await codeOf(await a.send(id, 0, first))).toEqual([409, 'conflict']);
    // Truncated: the chunk arrives shorter than the file announced.
    const short = (await a.seal(1)).subarray(0, CHUNK_BYTES - 10);
    expect(await codeOf(await a.send(id, 1, short))).toEqual([400, 'invalid_request']);
    // Another case's receipt cannot touch this upload.
    const b = await followUp();
    expect(await codeOf(await b.send(id, 1, await a.seal(1), b.headers))).toEqual([
      404,
      'not_found',
    ]);
    // Nothing of it reaches the supervisor while it is incomplete.
    const s = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const { items } = await inbox(s);
    const files = await Promise.all(items.map(async (i) => (await fetchCase(s, i.id)).messages));
    expect(files.flat().flatMap((m) => m.attachments.map((x) => x.id))).not.toContain(id);
  }, 120_000);

  it('refuses a chunk sealed with another session key than the file’s first chunk', async () => {
    const a = await followUp();
    const id = await idOf(await a.announce());
    expect((await a.send(id, 0, await a.seal(0))).status).toBe(201);
    // A second "first chunk" makes a key of its own: chunk 1 sealed with it is refused, since a
    // grant (one packet a file) could not open it.
    const real = await a.seal(1);
    // The file's own packets before a body of zeros: plaintext behind real packets is refused.
    const zeroed = real.slice();
    zeroed.fill(0, wrappedKeys(real)!.dataStart + 64);
    expect(await codeOf(await a.send(id, 1, zeroed))).toEqual([422, 'not_encrypted']);
    await a.seal(0);
    const stranger = await a.seal(1);
    expect(await codeOf(await a.send(id, 1, stranger))).toEqual([422, 'wrong_recipients']);
    const state = (await (await a.announce()).json()) as { received: number; keys: string };
    expect(state.received).toBe(1);
    expect(state.keys).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  }, 120_000);

  it('refuses sizes that do not match what the file announced, and plaintext', async () => {
    const a = await followUp();
    expect(await codeOf(await a.announce({ total: 5000 }))).toEqual([400, 'invalid_request']);
    expect(await codeOf(await a.announce({ chunks: 7 }))).toEqual([400, 'invalid_request']);
    expect(await codeOf(await a.announce({ total: 2 ** 32 }))).toEqual([413, 'payload_too_large']);
    const id = await idOf(await a.announce());
    // A chunk larger than announced (the next chunk's plaintext plus more).
    const big = new Uint8Array(CHUNK_BYTES + 70 * 1024);
    expect((await a.send(id, 0, big)).status).toBeGreaterThanOrEqual(400);
    const plain = new Uint8Array(CHUNK_BYTES + 100).fill(7);
    expect(await codeOf(await a.send(id, 0, plain))).toEqual([422, 'not_encrypted']);
  }, 120_000);

  it('refuses a file for a message that is not waiting for files, or beyond its count', async () => {
    const a = await followUp();
    const { messageId } = await sendMessage(a.session, 'No files here.');
    expect(await codeOf(await a.announce({ messageId }))).toEqual([404, 'not_found']);
    expect(await codeOf(await a.announce({ index: 1 }))).toEqual([409, 'conflict']);
  }, 120_000);

  it("refuses a file beyond the day's quota, before any chunk", async () => {
    const a = await followUp();
    const layout = chunkLayout({ name: 'x', type: '', size: 70 * 1024 * 1024 });
    const res = await a.announce({ total: layout.total, chunks: layout.count });
    expect(await codeOf(res)).toEqual([429, 'too_many_requests']);
  });

  it('forgets an upload left for a day, with its chunks and the message waiting for it', async () => {
    const a = await followUp();
    const id = await idOf(await a.announce());
    expect((await a.send(id, 0, await a.seal(0))).status).toBe(201);
    expect(await dropStaleUploads(h.ctx)).toBe(0);
    h.advance(2 * 86_400_000);
    expect(await dropStaleUploads(h.ctx)).toBeGreaterThanOrEqual(1);
    expect(await codeOf(await a.send(id, 1, await a.seal(1)))).toEqual([404, 'not_found']);
    // The message that waited for it went with it: nobody will ever see half of it.
    expect(await codeOf(await a.announce())).toEqual([404, 'not_found']);
  }, 120_000);
});
