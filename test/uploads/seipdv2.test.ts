// A report's file to a unit whose keys are RFC 9580 v6 keys preferring AEAD, from a reporter key
// that prefers it too: the chunks are SEIPDv2 with v6 session-key packets, which name no cipher.
// Cut after its first chunk, the upload resumes after a reload with the key recovered from what
// the server kept of that chunk (its packets and data packet header); a later chunk whose data
// packet differs is refused; the unit's key reads the file whole, and a grant gives it to another.
// scenario: node and workerd
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, reportDrafts, uploads } from '../../db/schema';
import { ApiError, type Fetcher } from '../../src/client/api';
import { grantCase } from '../../src/client/grants';
import { type FileSource, resumeReport, sendReport } from '../../src/client/reporter';
import { downloadAttachment, fetchCase, type SupervisorSession } from '../../src/client/supervisor';
import {
  CHUNK_BYTES,
  chunkLayout,
  chunkPlaintext,
  deriveReceiptSecrets,
  fromBase64Url,
  generateReceipt,
  recoverFileKey,
  sealChunk,
  unlockPrivateKey,
  wrappedKeys,
} from '../../src/crypto';
import {
  approvedKey,
  demoUnit,
  type Harness,
  makeHarness,
  RUNTIME,
  signedIn,
} from '../helpers/harness';
import { aeadOnlyUnit, prepareAead } from '../helpers/seipdv2';

let h: Harness;
let unitId: string;
let supervisor: SupervisorSession;
const byteAt = (i: number) => (Math.imul(i + 5, 2246822519) >>> 24) & 0xff;
const size = RUNTIME === 'workerd' ? CHUNK_BYTES + 777 : 2 * CHUNK_BYTES + 777;
const file: FileSource = {
  name: 'hearing.mp4',
  type: 'video/mp4',
  size,
  read: async (start, end) => Uint8Array.from({ length: end - start }, (_, i) => byteAt(start + i)),
};
const count = chunkLayout(file).count;

beforeAll(async () => {
  h = await makeHarness();
  unitId = demoUnit(await h.units(), 'basic').id;
  supervisor = (await aeadOnlyUnit(h, unitId)).session;
}, 300_000);
afterAll(() => h.close());

const prepare = (receipt: string) => prepareAead(h, unitId, file, receipt);

/** The tab closes as chunk 1 is sent: it never arrives. */
const closingAtChunk1: Fetcher = async (path, init) => {
  if (path.endsWith('/chunks/1')) throw new ApiError(499, 'tab_closed', 'The tab was closed.');
  return h.fetcher(path, init);
};

describe('a chunked file to keys that prefer AEAD (SEIPDv2), resumed after a reload', () => {
  let receipt: string;
  let caseId: string;

  it('keeps the first chunk’s data packet header beside its v6 session-key packets', async () => {
    receipt = generateReceipt();
    await expect(sendReport(closingAtChunk1, await prepare(receipt))).rejects.toMatchObject({
      code: 'tab_closed',
    });
    const [u] = await h.ctx.db.select().from(uploads);
    expect(u?.received).toBe(1);
    const data = JSON.parse(u!.data) as { version: number; cipher: number; aead: number };
    expect(data).toMatchObject({ version: 2 });
    const packets = fromBase64Url(u!.keys);
    expect(packets[packets[1]! < 192 ? 2 : 3]).toBe(6); // the first packet's version
  }, 300_000);

  it('refuses a later chunk with the file’s packets but another data packet', async () => {
    const [u] = await h.ctx.db.select().from(uploads);
    const held = { keyPackets: fromBase64Url(u!.keys), data: JSON.parse(u!.data) };
    // The key as an old client would have used it: the cipher without the AEAD mode, so SEIPDv1.
    const signingKey = await unlockedReporter(receipt);
    const recovered = await recoverFileKey(held.keyPackets, [signingKey], held.data);
    const { aeadAlgorithm: _, ...v1Key } = recovered.sessionKey;
    const layout = chunkLayout(file);
    const { bytes } = await sealChunk(
      await chunkPlaintext(layout, 1, file.read),
      { tag: u!.tag, n: 1, count },
      {
        recipients: [signingKey.toPublic().armor()],
        signingKey,
        key: { sessionKey: v1Key, keyPackets: held.keyPackets },
      },
    );
    expect(wrappedKeys(bytes)!.data).toEqual({ version: 1 });
    const { lookupToken } = await deriveReceiptSecrets(receipt);
    const res = await h.fetcher(`/api/uploads/${u!.id}/chunks/1`, {
      method: 'POST',
      headers: { 'x-lookup-token': lookupToken, 'content-type': 'application/octet-stream' },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('wrong_recipients');
    const [after] = await h.ctx.db.select().from(uploads);
    expect(after?.received).toBe(1);
  }, 300_000);

  it('resumes from the chunk the server holds, and the unit’s v6 key reads the file whole', async () => {
    const resumed = await resumeReport(h.fetcher, receipt, await h.units(), [file]);
    const sealed: { n: number; version?: number }[] = [];
    const done = await sendReport(h.fetcher, {
      ...resumed,
      sealChunk: (i, chunk) => {
        sealed.push({ n: chunk.n, ...(chunk.data ? { version: chunk.data.version } : {}) });
        return resumed.sealChunk(i, chunk);
      },
    });
    // Only the chunks after the first were sealed, each told the first chunk's data packet.
    expect(sealed).toEqual(Array.from({ length: count - 1 }, (_, i) => ({ n: i + 1, version: 2 })));
    const [row] = await h.ctx.db
      .select({ id: messages.reportId })
      .from(messages)
      .where(eq(messages.id, done.messageId));
    caseId = row!.id;
    expect(await readAs(supervisor)).toEqual({ name: file.name, length: size, wrong: 0 });
  }, 300_000);

  it('a grant of the file (one packet) lets another key read every chunk', async () => {
    const { key } = await approvedKey(h, unitId, 'Joined later');
    const late = await signedIn(h, key);
    await expect(readAs(late)).rejects.toThrow();
    expect(await grantCase(supervisor, caseId, late.supervisor.id)).toMatchObject({ granted: 2 });
    expect(await readAs(late)).toEqual({ name: file.name, length: size, wrong: 0 });
  }, 300_000);

  /** Downloads the case's file as `s` and counts the bytes that differ from the pattern. */
  async function readAs(s: SupervisorSession) {
    const c = await fetchCase(s, caseId);
    const id = c.messages[0]!.attachments[0]!.id;
    const { meta, bytes } = await downloadAttachment(s, c, 'report', id);
    let wrong = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== byteAt(i)) wrong++;
    return { name: meta.name, length: bytes.length, wrong };
  }
});

/** The reporter's key as a reload gets it back: the locked key the server holds, and the receipt. */
async function unlockedReporter(receipt: string) {
  const { keyPassphrase } = await deriveReceiptSecrets(receipt);
  const [u] = await h.ctx.db.select().from(uploads);
  const [d] = await h.ctx.db.select().from(reportDrafts).where(eq(reportDrafts.id, u!.reportId));
  return unlockPrivateKey(d!.reporterLockedKey, keyPassphrase);
}
