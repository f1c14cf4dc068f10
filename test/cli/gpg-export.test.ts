// The GnuPG path that does not depend on served code: a key made by GnuPG 2.2 is enrolled with
// the CLI, a reporter writes to it, `case export` writes ciphertext, and `gpg --decrypt` opens it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reports } from '../../db/schema';
import type { ExportManifest } from '../../src/cases/export';
import { submitReport } from '../../src/client/reporter';
import { unpad } from '../../src/crypto';
import {
  approveAsAuditor,
  createdId,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
} from '../helpers/harness';
import { cli, cliOn } from './run';

const GPG = '/usr/bin/gpg';
const hasGpg = existsSync(GPG) || spawnSync('gpg', ['--version']).status === 0;
if (!hasGpg)
  console.warn('SKIPPED: GnuPG (gpg) is not installed; install it to run the GnuPG export test.');

const TEXT = 'The division head told me to lose the evidence file.';
const FILE_BYTES = new TextEncoder().encode('minutes of the meeting, 2 October');

let h: Harness;
let gnupgHome: string;
let caseId: string;
let out: string;

const gpg = (args: string[], input?: string) =>
  execFileSync('gpg', ['--batch', '--homedir', gnupgHome, ...args], {
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

/** Strips the portal's padding from what GnuPG outputs: 4-byte length, bytes, zeros. */
const unpadded = (bytes: Buffer) => unpad(new Uint8Array(bytes));

describe.skipIf(!hasGpg)('GnuPG export path', () => {
  beforeAll(async () => {
    h = await makeHarness();
    gnupgHome = await mkdtemp(join(tmpdir(), 'portal-gnupg-'));
    gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--quick-gen-key',
      'Test Supervisor <t@example.invalid>',
      'future-default',
      'default',
      '1y',
    ]);
    const keyFile = join(gnupgHome, 'test.pub.asc');
    await writeFile(keyFile, gpg(['--armor', '--export', 't@example.invalid']));
    const basic = demoUnit(await h.units(), 'basic');
    const enrolled = await cliOn(h, [
      'admin',
      'create',
      '--role',
      'supervisor',
      '--unit',
      basic.id,
      '--name',
      'Test Supervisor',
      '--key',
      keyFile,
    ]);
    expect(enrolled.stderr).toBe('');
    expect(enrolled.code).toBe(0);
    await approveAsAuditor(h, createdId(enrolled.stdout));
    const units = await h.units();
    expect(demoUnit(units, 'basic').keys).toHaveLength(2);
    await submitReport(h.fetcher, {
      units,
      unitId: basic.id,
      copyToParent: false,
      report: sampleReport(TEXT),
      files: [{ name: 'minutes.txt', type: 'text/plain', bytes: FILE_BYTES }],
    });
    const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
    caseId = row!.id;
    out = join(h.dir, 'export');
  });
  afterAll(async () => {
    spawnSync('gpgconf', ['--homedir', gnupgHome, '--kill', 'gpg-agent']);
    await rm(gnupgHome, { recursive: true, force: true });
    await h.close();
  });

  it('exports the ciphertext, a metadata-only manifest and a README, and audits the export', async () => {
    const r = await cliOn(h, ['case', 'export', caseId, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/exported case .*: 1 messages, 1 attachments/);
    const manifestText = await readFile(join(out, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(manifestText) as ExportManifest;
    expect(manifest).toMatchObject({ caseId, state: 'received' });
    expect(manifest.messages).toEqual([
      expect.objectContaining({ file: '0-report.asc', kind: 'report' }),
    ]);
    expect(manifest.history.map((e) => e.state)).toEqual(['received']);
    expect(manifestText).not.toContain('evidence');
    expect(manifestText).not.toContain('minutes.txt');
    expect(await readFile(join(out, 'README.txt'), 'utf8')).toContain('gpg --decrypt');
    expect(await readdir(join(out, 'attachments'))).toHaveLength(1);
    const audit = await h.ctx.db.query.auditLog.findMany({
      where: (a, { eq }) => eq(a.action, 'case.export'),
    });
    expect(audit).toEqual([expect.objectContaining({ actorId: 'operator', reportId: caseId })]);
  });

  it('refuses to export into a folder that is not empty', async () => {
    const r = await cliOn(h, ['case', 'export', caseId, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^output folder is not empty/);
  });

  it('decrypts the report with gpg --decrypt; the unpadded plaintext is the report JSON', async () => {
    // As README.txt says: import the exported public keys, so gpg can check the signature.
    const keys = await readdir(join(out, 'keys'));
    gpg(['--import', ...keys.map((f) => join(out, 'keys', f))]);
    const r = spawnSync('gpg', [
      '--batch',
      '--homedir',
      gnupgHome,
      '--decrypt',
      join(out, '0-report.asc'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toContain('Good signature');
    const json = JSON.parse(new TextDecoder().decode(unpadded(r.stdout)));
    expect(json).toMatchObject({ type: 'report', whatHappened: TEXT });
  });

  it('decrypts an attachment with gpg --decrypt', async () => {
    const [name] = await readdir(join(out, 'attachments'));
    const body = unpadded(gpg(['--decrypt', join(out, 'attachments', name!)]));
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const headerLength = view.getUint32(0);
    const header = JSON.parse(new TextDecoder().decode(body.subarray(4, 4 + headerLength)));
    expect(header).toMatchObject({ name: 'minutes.txt', type: 'text/plain' });
    expect(new TextDecoder().decode(body.subarray(4 + headerLength))).toBe(
      new TextDecoder().decode(FILE_BYTES),
    );
  });

  it('`case decrypt` opens the export with the GnuPG secret key and checks signatures', async () => {
    const keyFile = join(gnupgHome, 'test.sec.asc');
    await writeFile(
      keyFile,
      gpg([
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        '',
        '--armor',
        '--export-secret-keys',
        't@example.invalid',
      ]),
    );
    const plainDir = join(h.dir, 'plain');
    const r = await cli(['case', 'decrypt', out, '--key', keyFile, '--out', plainDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== 0-report.asc (report,');
    expect(r.stdout).toContain('signature OK');
    expect(r.stdout).not.toContain('NOT VERIFIED');
    expect(r.stdout).toContain(TEXT);
    const [written] = await readdir(plainDir);
    expect(written).toMatch(/-minutes\.txt$/);
    expect(await readFile(join(plainDir, written!), 'utf8')).toBe(
      new TextDecoder().decode(FILE_BYTES),
    );
  });
});
