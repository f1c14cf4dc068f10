// The GnuPG path that does not depend on served code: a key made by GnuPG 2.2 is enrolled with
// the CLI, a reporter writes to it, `case export` writes ciphertext, and `gpg --decrypt` opens it.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reports } from '../../db/schema';
import type { ExportManifest } from '../../src/cases/export';
import { submitReport } from '../../src/client/reporter';
import { unpad } from '../../src/crypto';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';
import {
  exportCase,
  type GnupgSupervisor,
  gnupgSupervisor,
  gpgInstalled,
  NO_PASSPHRASE,
} from './gnupg';
import { cli, cliOn } from './run';

const hasGpg = gpgInstalled('the GnuPG export test');

const TEXT = 'The division head told me to lose the evidence file.';
const FILE_BYTES = new TextEncoder().encode('minutes of the meeting, 2 October');

let h: Harness;
let g: GnupgSupervisor;
let caseId: string;
let out: string;

/** Strips the portal's padding from what GnuPG outputs: 4-byte length, bytes, zeros. */
const unpadded = (bytes: Buffer) => unpad(new Uint8Array(bytes));

describe.skipIf(!hasGpg)('GnuPG export path', () => {
  beforeAll(async () => {
    h = await makeHarness();
    g = await gnupgSupervisor(h, { name: 'Test Supervisor', email: 't@example.invalid' });
    const units = await h.units();
    expect(demoUnit(units, 'basic').keys).toHaveLength(2);
    await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: false,
      report: sampleReport(TEXT),
      files: [{ name: 'minutes.txt', type: 'text/plain', bytes: FILE_BYTES }],
    });
    const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
    caseId = row!.id;
    out = join(h.dir, 'export');
  });
  afterAll(async () => {
    await g?.close();
    await h.close();
  });

  it('exports the ciphertext, a metadata-only manifest and a README, and audits the export', async () => {
    const r = await exportCase(h, caseId, out);
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
    g.gpg(['--import', ...keys.map((f) => join(out, 'keys', f))]);
    const r = spawnSync('gpg', [
      '--batch',
      '--homedir',
      g.home,
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
    const body = unpadded(g.gpg(['--decrypt', join(out, 'attachments', name!)]));
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const headerLength = view.getUint32(0);
    const header = JSON.parse(new TextDecoder().decode(body.subarray(4, 4 + headerLength)));
    expect(header).toMatchObject({ name: 'minutes.txt', type: 'text/plain' });
    expect(new TextDecoder().decode(body.subarray(4 + headerLength))).toBe(
      new TextDecoder().decode(FILE_BYTES),
    );
  });

  it('`case decrypt` opens the export with the GnuPG secret key and checks signatures', async () => {
    const keyFile = join(g.work, 'test.sec.asc');
    await writeFile(keyFile, g.gpg([...NO_PASSPHRASE, '--armor', '--export-secret-keys', g.email]));
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
