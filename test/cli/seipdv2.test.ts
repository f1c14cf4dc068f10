// The command line on a file sent as SEIPDv2 (RFC 9580 AEAD) chunks with v6 session-key packets:
// `case export` writes the chunks as stored, `case decrypt` with the unit's v6 key joins them byte
// for byte, and `grant prepare --key` wraps the file's one session key for a colleague's v4 key
// (taking the cipher and AEAD mode from the data packet, which a v6 packet leaves unnamed); once
// applied, the colleague's key alone decrypts the export.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantPackets, messages } from '../../db/schema';
import { sendReport } from '../../src/client/reporter';
import { generateReceipt, messageBytes, wrappedKeys } from '../../src/crypto';
import { approvedKey, demoUnit, type Harness, makeHarness } from '../helpers/harness';
import { aeadOnlyUnit, prepareAead } from '../helpers/seipdv2';
import { decryptedFile, exportedChunks, threeChunkFile } from './chunked';
import { cli, cliOn } from './run';

let h: Harness;
let work: string;
let unitId: string;
const recording = threeChunkFile('hearing.mp4', 41);
const file = {
  name: recording.name,
  type: recording.type,
  size: recording.bytes.length,
  read: async (start: number, end: number) => recording.bytes.subarray(start, end),
};

beforeAll(async () => {
  h = await makeHarness();
  work = await mkdtemp(join(tmpdir(), 'portal-cli-seipdv2-'));
  unitId = demoUnit(await h.units(), 'basic').id;
}, 120_000);
afterAll(async () => {
  await h.close();
  await rm(work, { recursive: true, force: true });
});

describe('the command line on SEIPDv2 chunks', () => {
  it('decrypts the export with the v6 key and grants the file to a v4 key', async () => {
    const v6 = await aeadOnlyUnit(h, unitId);
    await writeFile(join(work, 'v6.asc'), v6.privateKey.armor());
    const sent = await sendReport(
      h.fetcher,
      await prepareAead(h, unitId, file, generateReceipt(), 'Recorded at the hearing.'),
    );
    const [row] = await h.ctx.db
      .select({ id: messages.reportId })
      .from(messages)
      .where(eq(messages.id, sent.messageId));
    const caseId = row!.id;

    await cliOn(h, ['case', 'export', caseId, '--out', join(work, 'case')]);
    const chunks = await exportedChunks(join(work, 'case'));
    for (const path of chunks) {
      const parts = wrappedKeys(await messageBytes(new Uint8Array(await readFile(path))));
      expect(parts?.data.version).toBe(2);
    }
    const mine = await decryptedFile(
      join(work, 'case'),
      join(work, 'v6.asc'),
      join(work, 'plain'),
      file.name,
    );
    expect(Buffer.compare(mine, Buffer.from(recording.bytes))).toBe(0);

    const mate = await approvedKey(h, unitId, 'Joined later');
    await writeFile(join(work, 'mate.pub.asc'), mate.publicKey);
    await writeFile(join(work, 'mate.asc'), mate.key.armor());
    const prepared = await cli([
      'grant',
      'prepare',
      join(work, 'case'),
      '--key',
      join(work, 'v6.asc'),
      '--to',
      join(work, 'mate.pub.asc'),
      '--out',
      join(work, 'grant.json'),
    ]);
    expect(prepared.stderr).toBe('');
    expect(prepared.stdout).toMatch(/prepared 2 session keys in 1 case/);
    const applied = await cliOn(h, ['grant', 'apply', join(work, 'grant.json')]);
    expect(applied.stderr).toBe('');
    expect(
      await h.ctx.db.select().from(grantPackets).where(eq(grantPackets.granteeId, mate.id)),
    ).toHaveLength(2);

    await cliOn(h, ['case', 'export', caseId, '--out', join(work, 'after')]);
    const theirs = await decryptedFile(
      join(work, 'after'),
      join(work, 'mate.asc'),
      join(work, 'mate-plain'),
      file.name,
    );
    expect(Buffer.compare(theirs, Buffer.from(recording.bytes))).toBe(0);
  }, 300_000);
});
