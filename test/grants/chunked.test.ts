// Grants of a file sent in chunks: every chunk is encrypted with the file's one session key, so a
// grant stays one packet per file (grant_packets unchanged), checked against the first chunk and
// put beside each chunk's own packets when the file is served. Browser grant, the reporter's
// share with the unit above, and the refusal of a packet that is not for the new key.
// scenario: node and workerd
import { and, eq } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, grantPackets, messages } from '../../db/schema';
import { jsonInit } from '../../src/client/api';
import { grantCase } from '../../src/client/grants';
import {
  type FileSource,
  openCase,
  prepareReport,
  sendReport,
  shareCase,
} from '../../src/client/reporter';
import {
  downloadAttachment,
  fetchCase,
  type SupervisorSession,
  signIn,
} from '../../src/client/supervisor';
import {
  CHUNK_BYTES,
  chunkLayout,
  fromBase64Url,
  generateReceipt,
  MessageSplitter,
  rewrapSessionKey,
  toBase64Url,
  wrappedKeys,
} from '../../src/crypto';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  RUNTIME,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let s1: SupervisorSession;
let caseId: string;
let receipt: string;
const byteAt = (i: number) => (Math.imul(i + 17, 2654435761) >>> 25) & 0xff;
const size = RUNTIME === 'workerd' ? CHUNK_BYTES + 999 : 2 * CHUNK_BYTES + 999;
const file: FileSource = {
  name: 'hand-over.mp4',
  type: 'video/mp4',
  size,
  read: async (start, end) => Uint8Array.from({ length: end - start }, (_, i) => byteAt(start + i)),
};

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  receipt = generateReceipt();
  const prepared = await prepareReport({
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    receipt,
    report: sampleReport('The hand-over, filmed.'),
    files: [file],
  });
  const sent = await sendReport(h.fetcher, prepared);
  const [row] = await h.ctx.db
    .select({ id: messages.reportId })
    .from(messages)
    .where(eq(messages.id, sent.messageId));
  caseId = row!.id;
  s1 = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
}, 300_000);
afterAll(() => h.close());

/** Downloads the case's file as `s` and counts the bytes that differ from the pattern. */
async function readFile(s: SupervisorSession) {
  const c = await fetchCase(s, caseId);
  const id = c.messages[0]!.attachments[0]!.id;
  const { meta, bytes } = await downloadAttachment(s, c, 'report', id);
  let wrong = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== byteAt(i)) wrong++;
  return { name: meta.name, length: bytes.length, wrong };
}

async function colleague(name: string) {
  const unitId = demoUnit(await h.units(), 'basic').id;
  const enrolled = await enrolKey(h, unitId, name);
  await decideAsAdmin(h, enrolled.id, 'approve');
  return { id: enrolled.id, session: await signIn(withCookies(h.fetcher), enrolled.key) };
}

describe('grants of a chunked file', () => {
  it('the file is stored in chunks that all carry one set of session-key packets', async () => {
    const [row] = await h.ctx.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(eq(attachments.reportId, caseId));
    const stored = await h.ctx.blobs.get(row!.id);
    const chunks = new MessageSplitter().push(stored!);
    expect(chunks).toHaveLength(chunkLayout(file).count);
    const keys = chunks.map((c) => toBase64Url(wrappedKeys(c)!.keyPackets));
    expect(new Set(keys).size).toBe(1);
  });

  it('a colleague approved later reads it only after a grant of one packet per item', async () => {
    const late = await colleague('Joined later');
    await expect(readFile(late.session)).rejects.toThrow();
    expect(await grantCase(s1, caseId, late.id)).toMatchObject({ granted: 2 });
    const rows = await h.ctx.db
      .select({ itemId: grantPackets.itemId })
      .from(grantPackets)
      .where(and(eq(grantPackets.reportId, caseId), eq(grantPackets.granteeId, late.id)));
    expect(rows).toHaveLength(2); // the report and the file: not one per chunk
    expect(await readFile(late.session)).toEqual({ name: file.name, length: size, wrong: 0 });
    // The granter still reads it as before.
    expect(await readFile(s1)).toEqual({ name: file.name, length: size, wrong: 0 });
  }, 300_000);

  it('refuses a packet for the file that is not for the new key, and stores nothing', async () => {
    const late = await colleague('Refused packet');
    const stranger = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Stranger' }],
      format: 'object',
    });
    const pending = (await (
      await s1.fetcher(`/api/cases/${caseId}/keys?for=${late.id}`)
    ).json()) as {
      grantee: { publicKey: string };
      items: { kind: string; id: string; keyPackets: string; data: { version: number } }[];
    };
    const grantee = await openpgp.readKey({ armoredKey: pending.grantee.publicKey });
    const items = await Promise.all(
      pending.items.map(async (item) => ({
        kind: item.kind,
        id: item.id,
        packet: toBase64Url(
          await rewrapSessionKey({
            wrapped: { keyPackets: fromBase64Url(item.keyPackets), data: item.data },
            decryptionKeys: [s1.key],
            // The file's packet is wrapped for a stranger's key, the report's for the grantee.
            recipient: item.kind === 'attachment' ? stranger.publicKey : grantee,
          }),
        ),
      })),
    );
    const res = await s1.fetcher(
      `/api/cases/${caseId}/grants`,
      jsonInit({ granteeId: late.id, items }, { 'x-csrf-token': s1.csrfToken }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/not for the new key/);
    const rows = await h.ctx.db
      .select()
      .from(grantPackets)
      .where(eq(grantPackets.granteeId, late.id));
    expect(rows).toEqual([]);
    await expect(readFile(late.session)).rejects.toThrow();
  }, 300_000);

  it('the reporter shares it with the unit above, which then reads the file whole', async () => {
    const above = await signIn(withCookies(h.fetcher), await demoKey(h, 'intermediate-supervisor'));
    const session = await openCase(h.fetcher, receipt);
    await shareCase(session, demoUnit(await h.units(), 'intermediate').id);
    expect(await readFile(above)).toEqual({ name: file.name, length: size, wrong: 0 });
  }, 300_000);
});
