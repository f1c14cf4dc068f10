// A chunked file granted offline through GnuPG: `gpg --show-session-key` of the first chunk gives
// the file's one session key, `grant prepare --gpg` wraps it once, `grant apply` stores it, and
// the colleague's key then opens every chunk of the export with GnuPG and with `case decrypt`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantPackets, reports } from '../../db/schema';
import { downloadAttachment, fetchCase, signIn } from '../../src/client/supervisor';
import { CHUNK_BYTES } from '../../src/crypto';
import { type Harness, makeHarness, reportTo, withCookies } from '../helpers/harness';
import { decryptedFile, exportedChunks } from './chunked';
import {
  exportCase,
  type GnupgSupervisor,
  gnupgHome,
  gnupgSupervisor,
  gpgInstalled,
  NO_PASSPHRASE,
  prepareGrantWithGpg,
} from './gnupg';
import { cliOn } from './run';

const hasGpg = gpgInstalled('the chunked grant test');

let h: Harness;
let g: GnupgSupervisor;
const bytes = new Uint8Array(2 * CHUNK_BYTES + 4321).map((_, i) => (i * 29 + (i >>> 11)) & 0xff);

describe.skipIf(!hasGpg)('a chunked file granted through GnuPG', () => {
  beforeAll(async () => {
    h = await makeHarness();
    g = await gnupgSupervisor(h);
  }, 120_000);
  afterAll(async () => {
    await g?.close();
    await h.close();
  });

  it('one session key a file: granted once, every chunk opens for the new key', async () => {
    await reportTo(h, 'basic', 'A long recording.', [
      { name: 'call.m4a', type: 'audio/mp4', bytes },
    ]);
    const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
    const caseId = row!.id;
    const { colleague: mate, prepared, grantFile } = await prepareGrantWithGpg(h, g, caseId);
    expect(prepared.stderr).toBe('');
    // The report and the file: one session key each, however many chunks the file has.
    expect(prepared.stdout).toMatch(/prepared 2 session keys in 1 case/);
    const applied = await cliOn(h, ['grant', 'apply', grantFile]);
    expect(applied.stdout).toMatch(/2 item\(s\) granted/);
    expect(
      await h.ctx.db.select().from(grantPackets).where(eq(grantPackets.granteeId, mate.id)),
    ).toHaveLength(2);

    // In the browser: the colleague downloads the file whole.
    const s = await signIn(withCookies(h.fetcher), mate.key);
    const c = await fetchCase(s, caseId);
    const got = await downloadAttachment(s, c, 'report', c.messages[0]!.attachments[0]!.id);
    expect(Buffer.compare(Buffer.from(got.bytes), Buffer.from(bytes))).toBe(0);

    // Exported again: each chunk carries the granted packet, so GnuPG with only the colleague's
    // key decrypts every chunk, and the joined plaintexts are the padded file.
    await exportCase(h, caseId, join(g.work, 'case2'));
    const chunks = await exportedChunks(join(g.work, 'case2'));
    const mateGpg = await gnupgHome();
    await writeFile(join(g.work, 'mate.asc'), mate.key.armor());
    let padded: Buffer;
    try {
      mateGpg.gpg(['--import', join(g.work, 'mate.asc')]);
      // The reporter's public key from the export, so that each chunk's signature is checked too.
      mateGpg.gpg(['--import', join(g.work, 'case2', 'keys', 'reporter.asc')]);
      padded = Buffer.concat(chunks.map((f) => mateGpg.gpg([...NO_PASSPHRASE, '--decrypt', f])));
    } finally {
      await mateGpg.close();
    }
    const headerLength = padded.readUInt32BE(4);
    const header = JSON.parse(padded.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header).toMatchObject({ name: 'call.m4a', size: bytes.length });
    const body = padded.subarray(8 + headerLength, 8 + headerLength + bytes.length);
    expect(Buffer.compare(body, Buffer.from(bytes))).toBe(0);

    // And `case decrypt` with the colleague's key checks and joins the chunks.
    const plain = await decryptedFile(
      join(g.work, 'case2'),
      join(g.work, 'mate.asc'),
      join(g.work, 'plain'),
      'call.m4a',
    );
    expect(Buffer.compare(plain, Buffer.from(bytes))).toBe(0);
  }, 300_000);
});
