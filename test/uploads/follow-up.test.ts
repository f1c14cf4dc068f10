// A follow-up message with files reaches supervisors only when its last file is in (#25): until
// then it is pending, listed to the reporter alone, and finished by choosing the same files again
// (the upload resumes from the last acknowledged chunk); abandoned, it is deleted with its chunks.
// scenario: node and workerd
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema';
import { ApiError, type Fetcher } from '../../src/client/api';
import {
  type FileSealer,
  type FileSource,
  finishMessage,
  flagRetaliation,
  openCase,
  pageSealer,
  pendingMessages,
  type Session,
  sendMessage,
} from '../../src/client/reporter';
import {
  decryptCase,
  downloadAttachment,
  fetchCase,
  type SupervisorSession,
  signIn,
} from '../../src/client/supervisor';
import { CHUNK_BYTES, chunkLayout } from '../../src/crypto';
import { dropStaleUploads } from '../../src/uploads/service';
import {
  demoKey,
  type Harness,
  makeHarness,
  RUNTIME,
  reportTo,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let supervisor: SupervisorSession;
beforeAll(async () => {
  h = await makeHarness({ FOLLOWUP_MB_PER_DAY: '64' });
  supervisor = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
});
afterAll(() => h.close());

const byteAt = (i: number) => (Math.imul(i ^ (i >>> 7), 2246822519) >>> 24) & 0xff;
function patterned(name: string, size: number): FileSource {
  return {
    name,
    type: 'application/octet-stream',
    size,
    read: async (start, end) =>
      Uint8Array.from({ length: end - start }, (_, i) => byteAt(start + i)),
  };
}

/** The reporter's session over a fetcher that loses the connection at `cut` (a request path). */
async function reporter(cut: (path: string) => boolean) {
  const { receipt, messageId } = await reportTo(h, 'basic', 'A report followed by evidence.');
  const [row] = await h.ctx.db
    .select({ caseId: messages.reportId })
    .from(messages)
    .where(eq(messages.id, messageId));
  const caseId = row!.caseId;
  const flaky: Fetcher = async (path, init) => {
    if (cut(path)) throw new ApiError(499, 'tab_closed', 'The tab was closed.');
    return h.fetcher(path, init);
  };
  const session: Session = { ...(await openCase(h.fetcher, receipt)), fetcher: flaky };
  return { receipt, caseId, session };
}

/** What the supervisor sees of the case: its messages' kinds and their files' counts. */
async function seen(caseId: string) {
  const c = await fetchCase(supervisor, caseId);
  return c.messages.map((m) => `${m.kind}:${m.attachments.length}`);
}

// Two chunks and a bit in Node; one and a bit in workerd, to stay quick there.
const size = RUNTIME === 'workerd' ? CHUNK_BYTES + 777 : 2 * CHUNK_BYTES + 777;

describe('a follow-up message with files', () => {
  it('stays pending while its files arrive, and is finished with the same files after a reload', async () => {
    const { receipt, caseId, session } = await reporter((p) => p.endsWith('/chunks/1'));
    const files = [patterned('small.bin', 3000), patterned('recording.bin', size)];
    await expect(sendMessage(session, 'Two files.', files)).rejects.toMatchObject({
      code: 'tab_closed',
    });
    // The first file is in and the second half-way: the supervisor sees nothing of it.
    expect(await seen(caseId)).toEqual(['report:0']);

    // After a reload: the receipt again; the page lists the unfinished message by its files.
    const again = await openCase(h.fetcher, receipt);
    const [pending, ...more] = await pendingMessages(again);
    expect(more).toEqual([]);
    expect(pending).toMatchObject({
      kind: 'message',
      filesExpected: 2,
      filesReceived: 1,
      files: [
        { name: 'small.bin', size: 3000 },
        { name: 'recording.bin', size },
      ],
    });
    await expect(finishMessage(again, pending!, [files[1]!, files[0]!])).rejects.toMatchObject({
      code: 'other_files',
    });

    const chunks: number[] = [];
    const base = pageSealer();
    const counting: FileSealer = (file, chunk, recipients, key) => {
      chunks.push(chunk.n);
      return base(file, chunk, recipients, key);
    };
    await finishMessage(again, pending!, files, { seal: counting });
    // Only the chunks the server did not hold were sealed: chunk 0 of the second file was kept.
    const count = chunkLayout(files[1]!).count;
    expect(chunks).toEqual(Array.from({ length: count - 1 }, (_, i) => i + 1));
    expect(await seen(caseId)).toEqual(['report:0', 'message:2']);
    expect(await pendingMessages(again)).toEqual([]);

    const c = await fetchCase(supervisor, caseId);
    const opened = await decryptCase(supervisor, c);
    expect(opened[1]?.content).toMatchObject({ text: 'Two files.' });
    const big = [...c.messages[1]!.attachments].sort((a, b) => b.size - a.size)[0]!;
    const { meta, bytes } = await downloadAttachment(supervisor, c, 'message', big.id);
    expect(meta).toMatchObject({ name: 'recording.bin', size });
    let wrong = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== byteAt(i)) wrong++;
    expect({ length: bytes.length, wrong }).toEqual({ length: size, wrong: 0 });
  }, 300_000);

  it('a retaliation flag with a file raises the case only once its file is in', async () => {
    const { caseId, session } = await reporter(() => false);
    const before = await fetchCase(supervisor, caseId);
    expect(before.retaliationFlagged).toBe(false);
    await flagRetaliation(
      session,
      { kind: 'threats', startedOn: '', details: 'A threat, recorded.' },
      [patterned('threat.bin', 4000)],
    );
    const after = await fetchCase(supervisor, caseId);
    expect(after.retaliationFlagged).toBe(true);
    expect(after.messages.map((m) => `${m.kind}:${m.attachments.length}`)).toEqual([
      'report:0',
      'retaliation:1',
    ]);
  }, 120_000);

  it('abandoned for a day, it is deleted with its chunks and never shown', async () => {
    const { receipt, caseId, session } = await reporter((p) => p.endsWith('/chunks/1'));
    await expect(
      sendMessage(session, 'Left half-way.', [patterned('left.bin', CHUNK_BYTES + 5)]),
    ).rejects.toMatchObject({ code: 'tab_closed' });
    const again = await openCase(h.fetcher, receipt);
    expect(await pendingMessages(again)).toHaveLength(1);
    h.advance(2 * 86_400_000);
    expect(await dropStaleUploads(h.ctx)).toBeGreaterThanOrEqual(2);
    expect(await pendingMessages(again)).toEqual([]);
    // Two days on, the supervisor signs in again.
    supervisor = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    expect(await seen(caseId)).toEqual(['report:0']);
  }, 120_000);
});
