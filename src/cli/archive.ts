// The backup archive format: a magic line, then frames of [u32 length][binary OpenPGP message].
// Each frame encrypts up to CHUNK bytes of the archive stream with, in front, the archive's random
// id, the frame's number and a last-frame mark, so a frame dropped, repeated, reordered or cut off
// is caught, and memory stays bounded whatever the key (no whole-plaintext buffering).
// The archive stream is [u32 length][JSON header][file bytes, one file after another].
import { open as openFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';

export const MAGIC = new TextEncoder().encode('PORTAL-BACKUP-1\n');
export const CHUNK = 4 * 1024 * 1024;
const ID_BYTES = 16;
const FRAME_HEAD = ID_BYTES + 5;

export class ArchiveError extends Error {}

export interface ArchiveHeader {
  version: 1;
  day: string;
  files: { name: string; size: number; sha256: string }[];
}

/** Writes frames to an open file: call `push` with the stream's bytes, then `end`. */
export class FrameWriter {
  private readonly id = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  private seq = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly out: Awaited<ReturnType<typeof openFile>>,
    private readonly key: openpgp.PublicKey,
  ) {}

  async start() {
    await this.out.write(MAGIC);
  }

  async push(bytes: Uint8Array) {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes >= CHUNK) await this.flush(false);
  }

  async end() {
    await this.flush(true);
  }

  private take(n: number): Uint8Array {
    const all = concat(this.pending, this.pendingBytes);
    this.pending = all.length > n ? [all.subarray(n)] : [];
    this.pendingBytes = all.length - Math.min(n, all.length);
    return all.subarray(0, Math.min(n, all.length));
  }

  private async flush(last: boolean) {
    const body = this.take(CHUNK);
    const plain = new Uint8Array(FRAME_HEAD + body.length);
    plain.set(this.id, 0);
    new DataView(plain.buffer).setUint32(ID_BYTES, this.seq++);
    plain[ID_BYTES + 4] = last && this.pendingBytes === 0 ? 1 : 0;
    plain.set(body, FRAME_HEAD);
    const sealed = (await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: plain }),
      encryptionKeys: this.key,
      format: 'binary',
    })) as Uint8Array;
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, sealed.length);
    await this.out.write(len);
    await this.out.write(sealed);
    if (last && this.pendingBytes > 0) await this.flush(true);
  }
}

export function concat(parts: Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)) {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads and decrypts the frames of an archive file in order, yielding the stream's bytes. */
export async function* readFrames(
  path: string,
  key: openpgp.PrivateKey,
): AsyncGenerator<Uint8Array> {
  const file = await openFile(path, 'r');
  try {
    let at = 0;
    const read = async (n: number) => {
      const buf = new Uint8Array(n);
      const { bytesRead } = await file.read(buf, 0, n, at);
      at += bytesRead;
      return buf.subarray(0, bytesRead);
    };
    const magic = await read(MAGIC.length);
    if (magic.length < MAGIC.length || !magic.every((b, i) => b === MAGIC[i])) {
      throw new ArchiveError(
        'this is not a portal backup file (its first line is not PORTAL-BACKUP-1)',
      );
    }
    let id: Uint8Array | undefined;
    for (let seq = 0; ; seq++) {
      const len = await read(4);
      if (len.length < 4)
        throw new ArchiveError('the backup file is truncated: its last part is missing');
      const size = new DataView(len.buffer, len.byteOffset).getUint32(0);
      if (size > CHUNK + 64 * 1024)
        throw new ArchiveError('the backup file is damaged or was altered');
      const sealed = await read(size);
      if (sealed.length < size)
        throw new ArchiveError('the backup file is truncated: its last part is missing');
      const plain = await decryptFrame(sealed, key);
      const frameId = plain.subarray(0, ID_BYTES);
      const frameSeq = new DataView(plain.buffer, plain.byteOffset).getUint32(ID_BYTES);
      if ((id && !frameId.every((b, i) => b === id![i])) || frameSeq !== seq) {
        throw new ArchiveError('the backup file was altered: its parts are mixed or out of order');
      }
      id = frameId;
      yield plain.subarray(FRAME_HEAD);
      if (plain[ID_BYTES + 4] === 1) {
        if ((await read(1)).length > 0)
          throw new ArchiveError('the backup file was altered: data after its end');
        return;
      }
    }
  } finally {
    await file.close();
  }
}

async function decryptFrame(sealed: Uint8Array, key: openpgp.PrivateKey): Promise<Uint8Array> {
  let message: openpgp.Message<Uint8Array>;
  try {
    message = await openpgp.readMessage({ binaryMessage: sealed });
  } catch {
    throw new ArchiveError('the backup file is damaged or was altered (a part cannot be read)');
  }
  const mine = new Set(key.getKeys().map((k) => k.getKeyID().toHex()));
  if (!message.getEncryptionKeyIDs().some((k) => mine.has(k.toHex()))) {
    throw new ArchiveError('the backup file is encrypted to another key than the one given');
  }
  try {
    const { data } = await openpgp.decrypt({ message, decryptionKeys: key, format: 'binary' });
    return data as Uint8Array;
  } catch {
    throw new ArchiveError(
      'the backup file was altered or is damaged (a part fails its integrity check)',
    );
  }
}
