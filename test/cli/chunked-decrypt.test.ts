// A file sent in chunks, exported and opened offline: `case export` writes one OpenPGP message a
// chunk in the attachment's folder, and `case decrypt` checks and joins them into the file.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reports } from '../../db/schema';
import { submitReport } from '../../src/client/reporter';
import { CHUNK_BYTES } from '../../src/crypto';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';
import { cli, cliOn } from './run';

let h: Harness;
let out: string;
const bytes = new Uint8Array(2 * CHUNK_BYTES + 4321).map((_, i) => (i * 31 + (i >>> 9)) & 0xff);

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('A recording of the phone call.'),
    files: [{ name: 'call.m4a', type: 'audio/mp4', bytes }],
  });
  const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
  for (const k of h.demoKeys) await writeFile(join(h.dir, `${k.name}.asc`), k.privateKey);
  out = join(h.dir, 'export');
  expect((await cliOn(h, ['case', 'export', row!.id, '--out', out])).code).toBe(0);
}, 120_000);
afterAll(() => h.close());

describe('a chunked file, exported and decrypted offline', () => {
  it('is one message a chunk in its folder, and decrypts whole', async () => {
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      attachments: { file: string }[];
    };
    const folder = manifest.attachments[0]!.file;
    expect(folder).toMatch(/^attachments\/[A-Za-z0-9_-]{22}\/$/);
    expect(await readdir(join(out, folder))).toEqual(['00000.gpg', '00001.gpg', '00002.gpg']);
    const dest = join(h.dir, 'plain');
    const r = await cli(
      ['case', 'decrypt', out, '--key', join(h.dir, 'basic-supervisor.asc'), '--out', dest],
      { PORTAL_KEY_PASSPHRASE: h.passphrase },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('in chunks) signature OK');
    const [name] = (await readdir(dest)).filter((n) => n.endsWith('call.m4a'));
    expect(Buffer.compare(await readFile(join(dest, name!)), Buffer.from(bytes))).toBe(0);
  }, 120_000);
});
