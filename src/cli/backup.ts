// `portal backup` and `portal restore`: a consistent snapshot of the running portal's database
// (which holds every stored file, src/storage/db-blobs.ts), encrypted to a backup OpenPGP key and
// written in frames with bounded memory; and its return into an empty data folder.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import * as openpgp from 'openpgp';
import { toDay } from '../lib/days';
import { ArchiveError, type ArchiveHeader, concat, FrameWriter, readFrames } from './archive';
import { passphrase } from './cases';
import { unlock } from './decrypt';
import {
  CliFailure,
  type Command,
  optionalString,
  print,
  requireString,
  resolveStorage,
} from './io';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `VACUUM INTO` copies a consistent snapshot while the server keeps writing (WAL readers). */
async function snapshot(url: string, to: string): Promise<void> {
  const client = createClient({ url });
  try {
    await client.execute({ sql: 'VACUUM INTO ?', args: [to] });
  } finally {
    client.close();
  }
}

async function backupKey(path: string): Promise<openpgp.PublicKey> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliFailure(`cannot read the backup key file: ${path}`);
  });
  try {
    const key = await openpgp.readKey({ armoredKey: text });
    await key.getEncryptionKey();
    return key.toPublic();
  } catch {
    throw new CliFailure('the --key file is not an OpenPGP public key that can encrypt');
  }
}

const backup: Command = {
  usage: 'backup --out FILE --key BACKUP.pub.asc [--db FILE]',
  summary: 'write an encrypted, consistent snapshot of the portal (database and every file)',
  details: [
    '--out FILE        the archive to write (must not exist); written beside as FILE.partial first',
    '--key FILE        the backup public key (OpenPGP); only its private key can restore',
    '--db FILE         back up this database file instead of DATABASE_URL',
    'Safe while the server runs. Restore with `portal restore FILE --key BACKUP.private.asc`.',
  ],
  options: { out: { type: 'string' }, key: { type: 'string' }, db: { type: 'string' } },
  async run({ values }, io) {
    const out = resolve(io.cwd, requireString(values, 'out'));
    const key = await backupKey(resolve(io.cwd, requireString(values, 'key')));
    const storage = resolveStorage(io, optionalString(values, 'db'));
    if (!storage.url.startsWith('file:')) {
      throw new CliFailure(
        'only a local file database can be backed up here; use your libSQL provider’s backups',
      );
    }
    const dbPath = resolve(io.cwd, storage.url.slice(5));
    if (!existsSync(dbPath)) throw new CliFailure(`database file not found: ${dbPath}`);
    if (existsSync(out)) throw new CliFailure(`${out} exists already: choose a new file name`);
    const tmp = await mkdtemp(join(dirname(out), '.portal-backup-'));
    const partial = `${out}.partial`;
    try {
      const snap = join(tmp, 'portal.db');
      await snapshot(`file:${dbPath}`, snap);
      const header: ArchiveHeader = {
        version: 1,
        day: toDay(new Date()),
        files: [
          { name: 'portal.db', size: (await stat(snap)).size, sha256: await sha256File(snap) },
        ],
      };
      const file = await open(partial, 'wx', 0o600);
      try {
        const writer = new FrameWriter(file, key);
        await writer.start();
        const json = new TextEncoder().encode(JSON.stringify(header));
        const len = new Uint8Array(4);
        new DataView(len.buffer).setUint32(0, json.length);
        await writer.push(concat([len, json]));
        for await (const chunk of createReadStream(snap, { highWaterMark: 1024 * 1024 })) {
          await writer.push(new Uint8Array(chunk as Buffer));
        }
        await writer.end();
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(partial, out);
      print(
        io.stdout,
        `backup written: ${out} (${header.files.length} file, ${header.files[0]!.size} bytes before encryption)`,
      );
      return 0;
    } finally {
      await rm(partial, { force: true });
      await rm(tmp, { recursive: true, force: true });
    }
  },
};

/** Reads the archive stream: its header, then each file's bytes into `dir`, checking each hash. */
async function unpack(frames: AsyncGenerator<Uint8Array>, dir: string): Promise<ArchiveHeader> {
  let buffered: Uint8Array = new Uint8Array(0);
  const need = async (n: number) => {
    while (buffered.length < n) {
      const next = await frames.next();
      if (next.done)
        throw new ArchiveError('the backup file is truncated: its last part is missing');
      buffered = concat([buffered, next.value]);
    }
  };
  await need(4);
  const len = new DataView(buffered.buffer, buffered.byteOffset).getUint32(0);
  if (len > 1024 * 1024) throw new ArchiveError('the backup file is damaged (header too large)');
  await need(4 + len);
  let header: ArchiveHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(buffered.subarray(4, 4 + len))) as ArchiveHeader;
  } catch {
    throw new ArchiveError('the backup file is damaged (unreadable header)');
  }
  if (header.version !== 1 || !Array.isArray(header.files)) {
    throw new ArchiveError('this backup was made by a version of the portal this one cannot read');
  }
  buffered = buffered.subarray(4 + len);
  for (const f of header.files) {
    if (!/^[a-z0-9._-]+$/.test(f.name))
      throw new ArchiveError('the backup file is damaged (bad file name)');
    const out = await open(join(dir, f.name), 'wx', 0o600);
    const hash = createHash('sha256');
    try {
      let left = f.size;
      while (left > 0) {
        if (buffered.length === 0) await need(1);
        const piece = buffered.subarray(0, Math.min(left, buffered.length));
        buffered = buffered.subarray(piece.length);
        hash.update(piece);
        await out.write(piece);
        left -= piece.length;
      }
      await out.sync();
    } finally {
      await out.close();
    }
    if (hash.digest('hex') !== f.sha256)
      throw new ArchiveError(`the backup file was altered (${f.name} does not match its hash)`);
  }
  if (buffered.length > 0 || !(await frames.next()).done) {
    throw new ArchiveError('the backup file was altered: data after its last file');
  }
  return header;
}

async function emptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

const restore: Command = {
  usage: 'restore FILE --key BACKUP.private.asc [--passphrase-file FILE] [--data DIR]',
  summary: 'bring a backup back into an empty data folder',
  details: [
    '--key FILE        the backup private key',
    '--passphrase-file FILE its passphrase; else the PORTAL_KEY_PASSPHRASE environment variable',
    '--data DIR        the data folder to restore into (default DATA_DIR); it must be empty',
    'Nothing is written into the folder unless the whole archive decrypts and every hash matches.',
  ],
  options: {
    key: { type: 'string' },
    'passphrase-file': { type: 'string' },
    data: { type: 'string' },
  },
  positionals: ['FILE'],
  async run({ values, positionals }, io) {
    const archive = resolve(io.cwd, positionals[0]!);
    if (!existsSync(archive)) throw new CliFailure(`backup file not found: ${archive}`);
    const dir = resolve(
      io.cwd,
      optionalString(values, 'data') ?? resolveStorage(io, undefined).config.dataDir,
    );
    if (!(await emptyOrMissing(dir))) {
      throw new CliFailure(
        `the data folder ${dir} is not empty: restore only into an empty or new folder`,
      );
    }
    const armored = await readFile(resolve(io.cwd, requireString(values, 'key')), 'utf8').catch(
      () => {
        throw new CliFailure('cannot read the --key file');
      },
    );
    const key = await unlock(
      armored,
      await passphrase(optionalString(values, 'passphrase-file'), io.cwd, io.env),
    );
    const tmp = await mkdtemp(join(dirname(dir), `.${basename(dir)}-restoring-`));
    try {
      const header = await unpack(readFrames(archive, key), tmp);
      if (existsSync(dir)) await rmdir(dir);
      await rename(tmp, dir);
      print(
        io.stdout,
        `restored ${header.files.map((f) => f.name).join(', ')} into ${dir} (backup of ${header.day})`,
      );
      print(io.stdout, `check it: portal audit verify --db ${join(dir, 'portal.db')}`);
      return 0;
    } catch (err) {
      if (err instanceof ArchiveError) throw new CliFailure(err.message);
      throw err;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};

export const backupCommands: Record<string, Command> = { backup, restore };
