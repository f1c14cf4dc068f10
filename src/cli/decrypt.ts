// Opening a case export on the supervisor's own machine with the shared crypto module: the same
// unpadding and signature checks as the browser, without depending on code a server serves.
import { mkdir, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import type { ExportManifest } from '../cases/export';
import {
  type FileMeta,
  isLockedPrivateKey,
  type Opened,
  type OpenOptions,
  openFile,
  openFileStream,
  openJson,
  unlockPrivateKey,
  type Verification,
} from '../crypto';
import { CliFailure, type CliIo, print } from './io';

interface DecryptInput {
  dir: string;
  armoredKey: string;
  passphrase: string | undefined;
  out: string;
}

export async function unlock(armored: string, passphrase: string | undefined): Promise<PrivateKey> {
  const state = await isLockedPrivateKey(armored);
  if (!state) throw new CliFailure('the --key file is not a readable OpenPGP private key');
  if (state.locked && passphrase === undefined) {
    throw new CliFailure(
      'the private key is locked: give --passphrase-file or set PORTAL_KEY_PASSPHRASE',
    );
  }
  try {
    return await unlockPrivateKey(armored, passphrase ?? '');
  } catch {
    throw new CliFailure('cannot unlock the private key: wrong passphrase?');
  }
}

const SIGNATURE_WORDS: Record<Verification, string> = {
  verified: 'signature OK',
  unsigned: 'SIGNATURE NOT VERIFIED: not signed',
  'unknown-key': 'SIGNATURE NOT VERIFIED: signed by a key this case does not expect',
  bad: 'SIGNATURE NOT VERIFIED: bad signature, altered or forged',
  'not-checked': 'SIGNATURE NOT VERIFIED: not checked',
};

/** Decrypts and says what the signature is, in words; only a key outside the recipients fails. */
async function openChecked<T>(
  open: (options: OpenOptions) => Promise<Opened<T>>,
  key: PrivateKey,
  verificationKeys: string[],
): Promise<{ value: Opened<T>; sig: string }> {
  try {
    const value = await open({ decryptionKeys: [key], verificationKeys });
    return { value, sig: SIGNATURE_WORDS[value.verification] };
  } catch {
    throw new CliFailure('cannot decrypt: this key is not among the case’s recipients');
  }
}

/** A file name from inside the ciphertext, made safe to write: no folders, no odd characters. */
export const safeName = (name: string) =>
  (name.split(/[\\/]/).pop() ?? '').replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'file';

async function readKeys(dir: string, manifest: ExportManifest) {
  const read = (file: string) => readFile(join(dir, ...file.split('/')), 'utf8');
  const reporter = await Promise.all(
    manifest.keys.filter((k) => k.role === 'reporter').map((k) => read(k.file)),
  );
  const units = await Promise.all(
    manifest.keys.filter((k) => k.role === 'supervisor').map((k) => read(k.file)),
  );
  return (kind: string) => (kind === 'reply' ? units : reporter);
}

export async function decryptExport(input: DecryptInput, io: CliIo): Promise<number> {
  const manifest = JSON.parse(
    await readFile(join(input.dir, 'manifest.json'), 'utf8').catch(() => {
      throw new CliFailure(`no manifest.json in ${input.dir}: not a case export`);
    }),
  ) as ExportManifest;
  const key = await unlock(input.armoredKey, input.passphrase);
  const signersFor = await readKeys(input.dir, manifest);
  const kindOf = new Map(manifest.messages.map((m) => [m.file, m.kind]));
  print(
    io.stdout,
    `case ${manifest.caseId}  state ${manifest.state}  received ${manifest.receivedDay}`,
  );
  for (const m of manifest.messages) {
    const armored = await readFile(join(input.dir, m.file), 'utf8');
    const opened = await openChecked((o) => openJson(armored, o), key, signersFor(m.kind));
    print(io.stdout, `\n== ${m.file} (${m.kind}, ${m.day}) ${opened.sig}`);
    print(io.stdout, JSON.stringify(opened.value.value, null, 2));
  }
  for (const a of manifest.attachments.filter((x) => !x.missing)) {
    if (a.file.endsWith('/')) {
      await decryptChunked(
        io,
        input,
        join(input.dir, ...a.file.split('/')),
        key,
        signersFor(kindOf.get(a.message) ?? 'report'),
      );
      continue;
    }
    const bytes = new Uint8Array(await readFile(join(input.dir, ...a.file.split('/'))));
    const opened = await openChecked(
      (o) => openFile(bytes, o),
      key,
      signersFor(kindOf.get(a.message) ?? 'report'),
    );
    const file = opened.value.value;
    await mkdir(input.out, { recursive: true, mode: 0o700 });
    const id =
      a.file
        .split('/')
        .pop()
        ?.replace(/\.gpg$/, '') ?? 'attachment';
    const target = join(input.out, `${id}-${safeName(file.meta.name)}`);
    await writeFile(target, file.bytes, { mode: 0o600 });
    print(
      io.stdout,
      `\nwrote ${target} (${file.meta.type}, ${file.bytes.length} bytes) ${opened.sig}`,
    );
  }
  return 0;
}

/**
 * A file sent in chunks: each chunk file is read, checked (signature, number, file tag) and
 * decrypted in turn, and the file's bytes are written as they come, so memory holds one chunk.
 */
async function decryptChunked(
  io: CliIo,
  input: DecryptInput,
  folder: string,
  key: PrivateKey,
  verificationKeys: string[],
): Promise<void> {
  const names = (await readdir(folder)).filter((n) => n.endsWith('.gpg')).sort();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = names.shift();
      if (next === undefined) return controller.close();
      controller.enqueue(new Uint8Array(await readFile(join(folder, next))));
    },
  });
  await mkdir(input.out, { recursive: true, mode: 0o700 });
  const id = basename(folder);
  const partial = join(input.out, `${id}.part`);
  const out = await open(partial, 'w', 0o600);
  let meta: FileMeta;
  try {
    meta = await openFileStream(body, { decryptionKeys: [key], verificationKeys }, async (b) => {
      await out.write(b);
    });
  } finally {
    await out.close();
  }
  const target = join(input.out, `${id}-${safeName(meta.name)}`);
  await rename(partial, target);
  print(io.stdout, `\nwrote ${target} (${meta.type}, ${meta.size} bytes, in chunks) signature OK`);
}
