// Offline half of a grant from the command line: reads a case export, gets each item's session
// key from an openpgp.js key file or from GnuPG (`--show-session-key`), and wraps it for the new
// key. Nothing here touches the database or the network; the result is a grant file to apply.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as openpgp from 'openpgp';
import type { ExportManifest } from '../cases/export';
import {
  keyIdsOf,
  messageBytes,
  rewrapSessionKey,
  toBase64Url,
  wrappedKeys,
  wrapSessionKey,
} from '../crypto';
import { CliFailure } from './io';

export const GRANT_FORMAT = 'whistle-portal-grant/v1';

export interface GrantFile {
  format: typeof GRANT_FORMAT;
  granter: string;
  grantee: string;
  cases: {
    caseId: string;
    items: { kind: 'message' | 'attachment'; id: string; packet: string }[];
  }[];
}

/** Where session keys come from: a private key in this process, or the user's GnuPG. */
export type KeySource =
  | { kind: 'key'; key: openpgp.PrivateKey }
  | { kind: 'gpg'; homedir?: string | undefined };

const run = promisify(execFile);

/** Asks GnuPG to decrypt (output discarded) and report the session key and the key it used. */
async function gpgSessionKey(file: string, homedir: string | undefined) {
  const args = ['--batch', '--status-fd', '1', '--show-session-key', '-o', '/dev/null'];
  if (homedir) args.push('--homedir', homedir);
  const { stdout } = await run('gpg', [...args, '--decrypt', file], {
    maxBuffer: 1 << 20,
  }).catch((err: { stdout?: string; stderr?: string }) => {
    // A missing signature key makes gpg exit 2 after decrypting; the status lines still count.
    if (err.stdout?.includes('[GNUPG:] SESSION_KEY')) return { stdout: err.stdout };
    throw new CliFailure(
      `gpg could not decrypt ${file}: ${(err.stderr ?? '').trim().split('\n').pop()}`,
    );
  });
  const session = /^\[GNUPG:\] SESSION_KEY (\d+):([0-9A-Fa-f]+)$/m.exec(stdout);
  const used = /^\[GNUPG:\] DECRYPTION_KEY \S+ ([0-9A-F]+)/m.exec(stdout);
  if (!session || !used) throw new CliFailure(`gpg gave no session key for ${file}`);
  const algorithm = openpgp.enums.read(openpgp.enums.symmetric, Number(session[1]));
  const data = Uint8Array.from(session[2]!.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
  return { key: { data, algorithm }, granter: used[1]! };
}

/** The new session-key packet for one exported file, and the fingerprint of the key that read it. */
async function wrapOne(path: string, source: KeySource, recipient: openpgp.PublicKey) {
  const raw = await readFile(path);
  const bytes = await messageBytes(
    path.endsWith('.asc') ? raw.toString('utf8') : new Uint8Array(raw),
  );
  const wrapped = wrappedKeys(bytes);
  if (!wrapped) throw new CliFailure(`not an encrypted message: ${path}`);
  const already = await keyIdsOf(wrapped.keyPackets);
  if (recipient.getKeys().some((k) => already.includes(k.getKeyID().toHex()))) return null;
  if (source.kind === 'key') {
    const packet = await rewrapSessionKey({ wrapped, decryptionKeys: [source.key], recipient });
    return { packet, granter: source.key.getFingerprint().toUpperCase() };
  }
  const { key, granter } = await gpgSessionKey(path, source.homedir);
  return { packet: await wrapSessionKey(key, wrapped, recipient), granter };
}

/** Folders holding a `manifest.json`: the folder itself, or each folder in it (a unit export). */
export async function exportFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.name === 'manifest.json')) return [dir];
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
    .sort();
}

/** Builds the grant file for every case exported under `dir`. */
export async function prepareGrant(dir: string, source: KeySource, granteeArmored: string) {
  const recipient = await openpgp.readKey({ armoredKey: granteeArmored });
  const file: GrantFile = {
    format: GRANT_FORMAT,
    granter: source.kind === 'key' ? source.key.getFingerprint().toUpperCase() : '',
    grantee: recipient.getFingerprint().toUpperCase(),
    cases: [],
  };
  for (const folder of await exportFolders(dir)) {
    const manifest = JSON.parse(
      await readFile(join(folder, 'manifest.json'), 'utf8'),
    ) as ExportManifest;
    const entries = [
      ...manifest.messages.map((m) => ({ kind: 'message' as const, id: m.id, file: m.file })),
      ...manifest.attachments
        .filter((a) => !a.missing)
        .map((a) => ({
          kind: 'attachment' as const,
          id: a.file.replace(/^attachments\/|\.gpg$|\/$/g, ''),
          // A chunked file is a folder of chunks sharing one session key: its first chunk is
          // re-wrapped, and the one packet opens every chunk.
          file: a.file.endsWith('/') ? `${a.file}00000.gpg` : a.file,
        })),
    ];
    const items: GrantFile['cases'][number]['items'] = [];
    for (const e of entries) {
      const done = await wrapOne(join(folder, ...e.file.split('/')), source, recipient);
      if (!done) continue;
      if (file.granter && file.granter !== done.granter)
        throw new CliFailure('the items were decrypted with different keys; use one key');
      file.granter = done.granter;
      items.push({ kind: e.kind, id: e.id, packet: toBase64Url(done.packet) });
    }
    file.cases.push({ caseId: manifest.caseId, items });
  }
  return file;
}
