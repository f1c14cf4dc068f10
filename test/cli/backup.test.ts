// Backups: written while the portal runs, encrypted to a backup key, restored into an empty
// folder, where the audit chain verifies and a supervisor key still opens a case and its file.
// A truncated, altered or foreign archive, and a folder that is not empty, each get a clear
// message and leave nothing behind.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFile, openJson } from '../../src/crypto';
import { DbBlobStore } from '../../src/storage/db-blobs';
import { openLibsql } from '../../src/storage/libsql';
import { demoKey, type Harness, makeHarness, reportTo } from '../helpers/harness';
import { cli, cliOn } from './run';

let h: Harness;
const PASS = 'backup passphrase for the test';
let pub: string;
let priv: string;
let passFile: string;
let archive: string;
const FILE_TEXT = 'minutes of the meeting, page 4';

async function keyPair(name: string) {
  return openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name }],
    passphrase: PASS,
    format: 'armored',
  });
}

beforeAll(async () => {
  h = await makeHarness();
  await reportTo(h, 'basic', 'The court president called the judge about the verdict.', [
    { name: 'minutes.txt', type: 'text/plain', bytes: new TextEncoder().encode(FILE_TEXT) },
  ]);
  const k = await keyPair('Portal backups');
  pub = join(h.dir, 'backup.pub.asc');
  priv = join(h.dir, 'backup.key.asc');
  passFile = join(h.dir, 'pass.txt');
  await writeFile(pub, k.publicKey);
  await writeFile(priv, k.privateKey);
  await writeFile(passFile, `${PASS}\n`);
  archive = join(h.dir, 'portal.backup');
});
afterAll(() => h.close());

const restoreTo = (dir: string, file = archive, key = priv) =>
  cli(['restore', file, '--key', key, '--passphrase-file', passFile, '--data', dir]);

describe('backup and restore', () => {
  it('writes an encrypted archive while the portal keeps its database open', async () => {
    const res = await cliOn(h, ['backup', '--out', archive, '--key', pub]);
    expect(res.code, res.stderr).toBe(0);
    const bytes = await readFile(archive);
    expect(bytes.subarray(0, 16).toString()).toBe('PORTAL-BACKUP-1\n');
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect((await cliOn(h, ['backup', '--out', archive, '--key', pub])).stderr).toMatch(
      /exists already/,
    );
  });

  it('restores into an empty folder: the audit log verifies, a supervisor key opens the case and its file', async () => {
    const dir = join(h.dir, 'restored');
    const res = await restoreTo(dir);
    expect(res.code, res.stderr).toBe(0);
    const dbFile = join(dir, 'portal.db');
    const verify = await cli(['audit', 'verify', '--db', dbFile]);
    expect(verify.code, verify.stderr).toBe(0);
    const { db, close } = await openLibsql(`file:${dbFile}`);
    try {
      const key = await demoKey(h, 'basic-supervisor');
      const [msg] = await db.all<{ ciphertext: string }>(
        sql`select ciphertext from messages where kind = 'report'`,
      );
      const opened = await openJson<{ whatHappened: string }>(msg!.ciphertext, {
        decryptionKeys: [key],
      });
      expect(JSON.stringify(opened.value)).toContain('called the judge about the verdict');
      const [file] = await db.all<{ id: string }>(sql`select id from attachments`);
      const bytes = await new DbBlobStore(db).get(file!.id);
      const plain = await openFile(bytes!, { decryptionKeys: [key] });
      expect(new TextDecoder().decode(plain.value.bytes)).toBe(FILE_TEXT);
    } finally {
      close();
    }
  });

  it('refuses a folder that is not empty, and leaves it as it was', async () => {
    const dir = join(h.dir, 'restored');
    const before = await readdir(dir);
    const res = await restoreTo(dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/is not empty: restore only into an empty or new folder/);
    expect(await readdir(dir)).toEqual(before);
  });

  const bad = async (name: string, bytes: Uint8Array, message: RegExp, key = priv) => {
    const file = join(h.dir, name);
    await writeFile(file, bytes);
    const dir = join(h.dir, `target-${name}`);
    const res = await restoreTo(dir, file, key);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    // Nothing is left: neither the folder nor a temporary one beside it.
    const left = (await readdir(h.dir)).filter((f) => f.includes(`target-${name}`));
    expect(left).toEqual([]);
  };

  it('says a truncated archive is truncated', async () => {
    const bytes = await readFile(archive);
    await bad('cut', bytes.subarray(0, bytes.length - 200), /truncated/);
  });

  it('says an altered archive was altered', async () => {
    const bytes = Buffer.from(await readFile(archive));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
    await bad('flipped', bytes, /altered|damaged/);
  });

  it('says an archive made for another key is for another key', async () => {
    const other = await keyPair('Someone else');
    const otherKey = join(h.dir, 'other.key.asc');
    await writeFile(otherKey, other.privateKey);
    await bad('foreign', await readFile(archive), /encrypted to another key/, otherKey);
  });

  it('says a file that is no backup is none', async () => {
    await bad('junk', new TextEncoder().encode('hello'), /not a portal backup file/);
  });
});
