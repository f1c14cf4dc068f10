// A chunked file granted offline through GnuPG: `gpg --show-session-key` of the first chunk gives
// the file's one session key, `grant prepare --gpg` wraps it once, `grant apply` stores it, and
// the colleague's key then opens every chunk of the export with GnuPG and with `case decrypt`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantPackets, reports } from '../../db/schema';
import { downloadAttachment, fetchCase, signIn } from '../../src/client/supervisor';
import { CHUNK_BYTES } from '../../src/crypto';
import {
  approveAsAuditor,
  createdId,
  decideAsAdmin,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  reportTo,
  withCookies,
} from '../helpers/harness';
import { decryptedFile, exportedChunks } from './chunked';
import { cli, cliOn } from './run';

const hasGpg = existsSync('/usr/bin/gpg') || spawnSync('gpg', ['--version']).status === 0;
if (!hasGpg)
  console.warn('SKIPPED: GnuPG (gpg) is not installed; the chunked grant test needs it.');

let h: Harness;
let home: string;
let work: string;
const bytes = new Uint8Array(2 * CHUNK_BYTES + 4321).map((_, i) => (i * 29 + (i >>> 11)) & 0xff);

const gpg = (args: string[], homedir = home) =>
  execFileSync('gpg', ['--batch', '--homedir', homedir, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });

describe.skipIf(!hasGpg)('a chunked file granted through GnuPG', () => {
  beforeAll(async () => {
    h = await makeHarness();
    home = await mkdtemp(join(tmpdir(), 'portal-gnupg-'));
    work = await mkdtemp(join(tmpdir(), 'portal-chunked-grant-'));
    gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--quick-gen-key',
      'G <g@example.invalid>',
      'future-default',
      'default',
      '1y',
    ]);
    await writeFile(join(work, 'g.pub.asc'), gpg(['--armor', '--export', 'g@example.invalid']));
    const basic = demoUnit(await h.units(), 'basic');
    const made = await cliOn(h, [
      'admin',
      'create',
      '--role',
      'supervisor',
      '--unit',
      basic.id,
      '--name',
      'GnuPG supervisor',
      '--key',
      join(work, 'g.pub.asc'),
    ]);
    expect(made.code, made.stderr).toBe(0);
    await approveAsAuditor(h, createdId(made.stdout));
  }, 120_000);
  afterAll(async () => {
    await h.close();
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('one session key a file: granted once, every chunk opens for the new key', async () => {
    const unitId = demoUnit(await h.units(), 'basic').id;
    await reportTo(h, 'basic', 'A long recording.', [
      { name: 'call.m4a', type: 'audio/mp4', bytes },
    ]);
    const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
    const caseId = row!.id;
    const mate = await enrolKey(h, unitId, 'Colleague');
    await decideAsAdmin(h, mate.id, 'approve');
    await writeFile(join(work, 'mate.pub.asc'), mate.publicKey);

    const first = await cliOn(h, ['case', 'export', caseId, '--out', join(work, 'case')]);
    expect(first.code, first.stderr).toBe(0);
    const prepared = await cli([
      'grant',
      'prepare',
      join(work, 'case'),
      '--gpg',
      '--gpg-homedir',
      home,
      '--to',
      join(work, 'mate.pub.asc'),
      '--out',
      join(work, 'grant.json'),
    ]);
    expect(prepared.stderr).toBe('');
    // The report and the file: one session key each, however many chunks the file has.
    expect(prepared.stdout).toMatch(/prepared 2 session keys in 1 case/);
    const applied = await cliOn(h, ['grant', 'apply', join(work, 'grant.json')]);
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
    const again = await cliOn(h, ['case', 'export', caseId, '--out', join(work, 'case2')]);
    expect(again.code, again.stderr).toBe(0);
    const chunks = await exportedChunks(join(work, 'case2'));
    const mateHome = await mkdtemp(join(tmpdir(), 'portal-gnupg-mate-'));
    await writeFile(join(work, 'mate.asc'), mate.key.armor());
    gpg(['--import', join(work, 'mate.asc')], mateHome);
    // The reporter's public key from the export, so that each chunk's signature is checked too.
    gpg(['--import', join(work, 'case2', 'keys', 'reporter.asc')], mateHome);
    const padded = Buffer.concat(
      chunks.map((f) =>
        gpg(['--pinentry-mode', 'loopback', '--passphrase', '', '--decrypt', f], mateHome),
      ),
    );
    await rm(mateHome, { recursive: true, force: true });
    const headerLength = padded.readUInt32BE(4);
    const header = JSON.parse(padded.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header).toMatchObject({ name: 'call.m4a', size: bytes.length });
    const body = padded.subarray(8 + headerLength, 8 + headerLength + bytes.length);
    expect(Buffer.compare(body, Buffer.from(bytes))).toBe(0);

    // And `case decrypt` with the colleague's key checks and joins the chunks.
    const plain = await decryptedFile(
      join(work, 'case2'),
      join(work, 'mate.asc'),
      join(work, 'plain'),
      'call.m4a',
    );
    expect(Buffer.compare(plain, Buffer.from(bytes))).toBe(0);
  }, 300_000);
});
