// `portal case export` writes a case's ciphertext to a folder for offline GnuPG decryption;
// `portal case decrypt` opens such a folder locally with a supervisor's private key.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { exportCase } from '../cases/export';
import { unitCaseIds } from '../cases/reach';
import type { Ctx } from '../context';
import { decryptExport } from './decrypt';
import {
  CliFailure,
  type Command,
  DB_HELP,
  DB_OPTION,
  optionalString,
  print,
  requireString,
  withCtx,
} from './io';

async function prepareEmptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Never mix two cases, or a fresh export with stale files, in one folder.
  if ((await readdir(dir)).length > 0) throw new CliFailure(`output folder is not empty: ${dir}`);
}

/**
 * Exports one case under `out`, each file written as it comes (one chunk of a large file in
 * memory at a time); refuses an export with missing file bytes.
 */
async function writeExport(ctx: Ctx, reportId: string, out: string) {
  const result = await exportCase(ctx, reportId, async (file) => {
    const target = join(out, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, file.bytes, { mode: 0o600 });
  });
  if (result.missing.length > 0) {
    throw new CliFailure(
      `export incomplete: attachment bytes missing from the blob store: ${result.missing.join(', ')}`,
    );
  }
  return result.manifest;
}

const exportUnit: Command = {
  usage: 'case export-unit UNIT --out DIR',
  summary: 'export every case a unit sees, one folder each (audited per case), e.g. for recovery',
  details: [
    'UNIT       the unit ID (see `unit list`)',
    '--out DIR  a new or empty folder; gets one `case export` folder per case, named by its ID',
    DB_HELP,
  ],
  options: { out: { type: 'string' }, ...DB_OPTION },
  positionals: ['UNIT'],
  async run({ values, positionals }, io) {
    const out = resolve(io.cwd, requireString(values, 'out'));
    await prepareEmptyDir(out);
    const n = await withCtx(io, optionalString(values, 'db'), async (ctx) => {
      const ids = await unitCaseIds(ctx, positionals[0] ?? '');
      for (const id of ids) await writeExport(ctx, id, join(out, id));
      return ids.length;
    });
    print(io.stdout, `exported ${n} case(s) to ${out}`);
    return 0;
  },
};

const exportCmd: Command = {
  usage: 'case export ID --out DIR',
  summary: 'write a case’s ciphertext, keys and a metadata manifest to DIR (audited)',
  details: [
    'ID         the case (report) ID',
    '--out DIR  a new or empty folder; gets NN-KIND.asc per message, attachments/ID.gpg,',
    '           keys/*.asc, manifest.json (metadata only) and README.txt (how to decrypt)',
    'Nothing is decrypted; the export is recorded in the audit log as `case.export`.',
    DB_HELP,
  ],
  options: { out: { type: 'string' }, ...DB_OPTION },
  positionals: ['ID'],
  async run({ values, positionals }, io) {
    const reportId = positionals[0] ?? '';
    const out = resolve(io.cwd, requireString(values, 'out'));
    await prepareEmptyDir(out);
    const m = await withCtx(io, optionalString(values, 'db'), (ctx) =>
      writeExport(ctx, reportId, out),
    );
    print(
      io.stdout,
      `exported case ${m.caseId}: ${m.messages.length} messages, ${m.attachments.length} attachments to ${out}`,
    );
    return 0;
  },
};

export async function passphrase(
  file: string | undefined,
  cwd: string,
  env: Record<string, string | undefined>,
) {
  if (file) {
    const text = await readFile(resolve(cwd, file), 'utf8').catch((err: Error) => {
      throw new CliFailure(`cannot read passphrase file: ${err.message}`);
    });
    return text.replace(/\r?\n$/, '');
  }
  return env.PORTAL_KEY_PASSPHRASE;
}

const decryptCmd: Command = {
  usage: 'case decrypt DIR --key PRIVATE.asc [--passphrase-file FILE] [--out DIR]',
  summary: 'decrypt an export locally: prints messages, writes attachments (no server involved)',
  details: [
    'DIR                    a folder written by `case export`',
    '--key FILE             your armored private key (gpg --armor --export-secret-keys …)',
    '--passphrase-file FILE its passphrase; else the PORTAL_KEY_PASSPHRASE environment variable',
    '--out DIR              where decrypted attachments go (default DIR/decrypted)',
    'Signatures are checked: the reporter’s on their messages, the units’ keys on replies.',
  ],
  options: {
    key: { type: 'string' },
    'passphrase-file': { type: 'string' },
    out: { type: 'string' },
  },
  positionals: ['DIR'],
  async run({ values, positionals }, io) {
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const keyFile = resolve(io.cwd, requireString(values, 'key'));
    const armored = await readFile(keyFile, 'utf8').catch((err: Error) => {
      throw new CliFailure(`cannot read key file ${basename(keyFile)}: ${err.message}`);
    });
    const secret = await passphrase(optionalString(values, 'passphrase-file'), io.cwd, io.env);
    const out = resolve(io.cwd, optionalString(values, 'out') ?? join(dir, 'decrypted'));
    return decryptExport({ dir, armoredKey: armored, passphrase: secret, out }, io);
  },
};

export const caseCommands: Record<string, Command> = {
  export: exportCmd,
  'export-unit': exportUnit,
  decrypt: decryptCmd,
};
