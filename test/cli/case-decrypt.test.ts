// `portal case export` + `portal case decrypt` with a portal-made (locked) supervisor key: replies
// verified against the units' keys, passphrase handling, and a key that is not a recipient.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reports } from '../../db/schema';
import { submitReport } from '../../src/client/reporter';
import { fetchCase, sendReply, signIn } from '../../src/client/supervisor';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';
import { cli, cliOn } from './run';

let h: Harness;
let out: string;
const keyFile = (name: string) => join(h.dir, `${name}.asc`);

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('A relative of the judge phoned the defendant.'),
    files: [],
  });
  const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
  const s = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  await sendReply(s, await fetchCase(s, row!.id), 'Thank you; we have opened a file.');
  for (const k of h.demoKeys) await writeFile(keyFile(k.name), k.privateKey);
  out = join(h.dir, 'export');
  const r = await cliOn(h, ['case', 'export', row!.id, '--out', out]);
  expect(r.code).toBe(0);
});
afterAll(() => h.close());

describe('case decrypt', () => {
  it('decrypts report and reply with a locked key and PORTAL_KEY_PASSPHRASE, checking signatures', async () => {
    const r = await cli(['case', 'decrypt', out, '--key', keyFile('basic-supervisor')], {
      PORTAL_KEY_PASSPHRASE: h.passphrase,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/== 0-report\.asc \(report, \d{4}-\d\d-\d\d\) signature OK/);
    expect(r.stdout).toMatch(/== 1-reply\.asc \(reply, \d{4}-\d\d-\d\d\) signature OK/);
    expect(r.stdout).toContain('A relative of the judge phoned the defendant.');
    expect(r.stdout).toContain('Thank you; we have opened a file.');
  });

  it('takes the passphrase from --passphrase-file', async () => {
    const file = join(h.dir, 'pass.txt');
    await writeFile(file, `${h.passphrase}\n`);
    const r = await cli([
      'case',
      'decrypt',
      out,
      '--key',
      keyFile('basic-supervisor'),
      '--passphrase-file',
      file,
    ]);
    expect(r.code).toBe(0);
  });

  it('fails with one line when the passphrase is missing or wrong', async () => {
    const none = await cli(['case', 'decrypt', out, '--key', keyFile('basic-supervisor')]);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toMatch(/^the private key is locked: give --passphrase-file/);
    const wrong = await cli(['case', 'decrypt', out, '--key', keyFile('basic-supervisor')], {
      PORTAL_KEY_PASSPHRASE: 'not it',
    });
    expect(wrong).toMatchObject({
      code: 1,
      stderr: 'cannot unlock the private key: wrong passphrase?\n',
    });
  });

  it('fails when the key is not among the case’s recipients', async () => {
    const r = await cli(['case', 'decrypt', out, '--key', keyFile('provincial-supervisor')], {
      PORTAL_KEY_PASSPHRASE: h.passphrase,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not among the case’s recipients/);
  });

  it('exports nothing for an unknown case', async () => {
    const r = await cliOn(h, ['case', 'export', 'C'.repeat(22), '--out', join(h.dir, 'none')]);
    expect(r).toMatchObject({ code: 1, stderr: 'error: No such case.\n' });
  });
});
