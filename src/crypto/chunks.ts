// Large files as numbered chunks: the padded file (the same layout `sealFile` encrypts whole) is
// cut into CHUNK_BYTES pieces, each sealed as an independent OpenPGP message signed by the author
// with a notation naming its file, its number and the count. Every chunk of one file is encrypted
// with the file's one session key and carries the very same session-key packets as its first
// chunk, so a grant re-wraps one key per file and the server can check that no chunk differs.
// Any chunk can be sealed again after a reload (the session key is recovered from the first
// chunk's packets), one chunk at a time is in memory, and `gpg --decrypt` of each chunk in turn,
// joined, gives the padded file back.
import * as openpgp from 'openpgp';
import { fromUtf8, utf8 } from './encoding';
import {
  encryptDated,
  encryptionKeys,
  type FileMeta,
  type OpenOptions,
  type SealOptions,
} from './messages';
import { bucketSize } from './padding';
import { sessionKeyOf, type WrappedKeys, wrappedKeys } from './rewrap';

/** Plaintext per chunk. With its OpenPGP framing a chunk stays above R2's 5 MiB part minimum. */
export const CHUNK_BYTES = 5 * 1024 * 1024;
/** Most a chunk's ciphertext may exceed its plaintext: session keys, signature, packet headers. */
export const CHUNK_OVERHEAD = 64 * 1024;
/** The signed notation that numbers a chunk: `<file tag>.<n>.<count>`. */
export const CHUNK_NOTATION = 'chunk@whistleblower-portal.invalid';
const TAG = /^[A-Za-z0-9_-]{22}$/;

/** Where the pieces of the padded plaintext of a file sit, and how many chunks it makes. */
export interface ChunkLayout {
  /** Length prefix, header length and header: the bytes before the file's own. */
  prefix: Uint8Array;
  fileSize: number;
  /** Size of the whole padded plaintext (a Padmé bucket), which the server is told. */
  total: number;
  count: number;
}

export const chunkCount = (total: number) => Math.max(1, Math.ceil(total / CHUNK_BYTES));

export function chunkLayout(meta: FileMeta): ChunkLayout {
  const header = utf8(JSON.stringify({ name: meta.name, type: meta.type, size: meta.size }));
  const content = 4 + header.length + meta.size;
  const prefix = new Uint8Array(8 + header.length);
  const view = new DataView(prefix.buffer);
  view.setUint32(0, content);
  view.setUint32(4, header.length);
  prefix.set(header, 8);
  const total = bucketSize(content);
  return { prefix, fileSize: meta.size, total, count: chunkCount(total) };
}

/** True when `total` is a size the padding can produce (so a length leaks no more than it). */
export const isPaddedSize = (total: number) => total >= 1024 && bucketSize(total - 4) === total;

/**
 * The plaintext of chunk `n`: the part of prefix, file and zero padding it covers. `read` gives
 * the file's bytes from `start` to `end` (a File's slice in a browser, a file handle elsewhere).
 */
export async function chunkPlaintext(
  layout: ChunkLayout,
  n: number,
  read: (start: number, end: number) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const start = n * CHUNK_BYTES;
  const end = Math.min(layout.total, start + CHUNK_BYTES);
  if (n < 0 || start >= end) throw new Error(`no chunk ${n}`);
  const out = new Uint8Array(end - start); // zeros: the padding is already there
  const p = layout.prefix.length;
  if (start < p) out.set(layout.prefix.subarray(start, Math.min(p, end)), 0);
  const fileStart = Math.max(start, p) - p;
  const fileEnd = Math.min(end, p + layout.fileSize) - p;
  if (fileEnd > fileStart) out.set(await read(fileStart, fileEnd), fileStart + p - start);
  return out;
}

export interface ChunkLabel {
  /** Random, chosen when the upload starts; the same for every chunk of one file. */
  tag: string;
  n: number;
  count: number;
}

const notation = (label: ChunkLabel): openpgp.RawNotation => ({
  name: CHUNK_NOTATION,
  value: utf8(`${label.tag}.${label.n}.${label.count}`),
  humanReadable: true,
  critical: false,
});

/** A file's session key and the session-key packets every one of its chunks carries. */
export interface FileKey {
  sessionKey: openpgp.SessionKey;
  /** The first chunk's session-key packets (binary), copied into every later chunk. */
  keyPackets: Uint8Array;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** What the server keeps of a file's first chunk, so that a later chunk can be sealed alike. */
export interface HeldKey {
  /** The first chunk's session-key packets. */
  keyPackets: Uint8Array;
  /** Its data packet's version and, for version 2, cipher and AEAD mode; absent when unknown. */
  data?: WrappedKeys['data'];
}

/**
 * Recovers a file's key from its first chunk's session-key packets with one of the recipients'
 * private keys (the reporter's own, after a reload). A v3 session-key packet names the cipher; a
 * v6 one (to keys that all prefer AEAD, SEIPDv2) does not, so `data`, from the first chunk's data
 * packet, must then say it. Throws when none of the keys can open it.
 */
export async function recoverFileKey(
  keyPackets: Uint8Array,
  decryptionKeys: openpgp.PrivateKey[],
  data?: WrappedKeys['data'],
): Promise<FileKey> {
  const message = await openpgp.readMessage({ binaryMessage: keyPackets });
  const [found] = await openpgp.decryptSessionKeys({ message, decryptionKeys });
  if (!found) throw new Error('the file’s key cannot be opened with this key');
  if (!found.algorithm && data?.version !== 2)
    throw new Error('the file’s cipher is unknown: its first chunk’s data packet is needed');
  return { sessionKey: sessionKeyOf(found, data ?? { version: 1 }), keyPackets };
}

/**
 * Seals one chunk: binary OpenPGP, signed with its label, to every recipient. Chunk 0 of a file
 * is sealed with a fresh session key when `key` is null, and the answer holds the file's key for
 * the next chunks; every other chunk is sealed with `key` and carries its packets byte for byte.
 * Reusing the key is safe: each message has its own random prefix (and MDC), and the signed
 * label binds each chunk to its place, so chunks cannot be reordered, spliced or dropped unseen.
 */
export async function sealChunk(
  plain: Uint8Array,
  label: ChunkLabel,
  options: SealOptions & { key: FileKey | null },
): Promise<{ bytes: Uint8Array; key: FileKey }> {
  if (!TAG.test(label.tag)) throw new Error('a chunk tag is 22 base64url characters');
  if (!options.key && label.n !== 0) throw new Error('only the first chunk makes the file’s key');
  const sessionKey =
    options.key?.sessionKey ??
    (await openpgp.generateSessionKey({
      encryptionKeys: await encryptionKeys(options.recipients),
      ...(options.now ? { date: options.now } : {}),
    }));
  const sealed = (await encryptDated(
    plain,
    options,
    'binary',
    [notation(label)],
    sessionKey,
  )) as Uint8Array;
  const parts = wrappedKeys(sealed);
  if (!parts) throw new Error('sealing made no encrypted message');
  if (!options.key) return { bytes: sealed, key: { sessionKey, keyPackets: parts.keyPackets } };
  const keyPackets = options.key.keyPackets;
  const bytes = new Uint8Array(keyPackets.length + sealed.length - parts.dataStart);
  bytes.set(keyPackets, 0);
  bytes.set(sealed.subarray(parts.dataStart), keyPackets.length);
  return { bytes, key: options.key };
}

/**
 * The file keys of the files being sealed, by chunk tag: the first chunk makes one, a resumed
 * upload recovers it from the packets the server holds (with the sealer's own key, a recipient).
 */
export class FileKeys {
  private keys = new Map<string, FileKey>();

  async seal(
    plain: Uint8Array,
    label: ChunkLabel,
    options: SealOptions,
    /** What the server holds of the file's first chunk, once it holds that chunk. */
    held: HeldKey | null,
  ): Promise<Uint8Array> {
    let key = this.keys.get(label.tag) ?? null;
    if (held && !(key && sameBytes(key.keyPackets, held.keyPackets)))
      key = await recoverFileKey(held.keyPackets, [options.signingKey], held.data);
    if (!held) key = null; // the first chunk again: nothing of it was kept
    const sealed = await sealChunk(plain, label, { ...options, key });
    if (this.keys.size > 64) this.keys.clear();
    this.keys.set(label.tag, sealed.key);
    return sealed.bytes;
  }
}

/** Whether two chunks of one file carry the same session-key packets (the server's check). */
export function sameKeyPackets(a: Uint8Array, b: Uint8Array): boolean {
  return sameBytes(a, b);
}

function labelOf(signature: openpgp.Signature): ChunkLabel | null {
  const raw = signature.packets[0]?.rawNotations.find((x) => x.name === CHUNK_NOTATION);
  if (!raw) return null;
  const m = /^([A-Za-z0-9_-]{22})\.(\d{1,6})\.(\d{1,6})$/.exec(fromUtf8(raw.value));
  return m ? { tag: m[1]!, n: Number(m[2]), count: Number(m[3]) } : null;
}

/**
 * Decrypts one chunk and checks its signature by one of `verificationKeys` and its label: the
 * chunk must be number `n` of the file `tag` and of `count` chunks (both taken from the first
 * chunk when not yet known). A file sealed whole before chunks existed is one message without a
 * label: its label comes back null, and the caller must see that it is the only message.
 */
export async function openChunk(
  bytes: Uint8Array,
  options: Required<OpenOptions>,
  expect: { n: number; count?: number; tag?: string },
): Promise<{ plain: Uint8Array; label: ChunkLabel | null }> {
  const verificationKeys = await Promise.all(
    options.verificationKeys.map((a) => openpgp.readKey({ armoredKey: a })),
  );
  const result = await openpgp.decrypt({
    message: await openpgp.readMessage({ binaryMessage: bytes }),
    decryptionKeys: options.decryptionKeys,
    verificationKeys,
    expectSigned: true,
    format: 'binary',
  });
  const sig = result.signatures[0];
  if (!sig) throw new Error('chunk is not signed');
  await sig.verified;
  const label = labelOf(await sig.signature);
  const plain = result.data as Uint8Array;
  if (!label) {
    if (expect.n === 0) return { plain, label: null };
    throw new Error('chunk carries no number');
  }
  const wrong =
    label.n !== expect.n ||
    (expect.count !== undefined && label.count !== expect.count) ||
    (expect.tag !== undefined && label.tag !== expect.tag);
  if (wrong) throw new Error(`chunk ${expect.n + 1} is out of place`);
  return { plain, label };
}

/**
 * Reads a stored file (one message, or numbered chunks) from a byte stream and writes the file's
 * own bytes to `write` as each chunk is checked; resolves with its name, type and size. Throws on
 * any chunk missing, repeated, reordered, from another file or not signed by a verification key.
 */
export async function openFileStream(
  body: ReadableStream<Uint8Array>,
  options: Required<OpenOptions>,
  write: (bytes: Uint8Array) => Promise<void> | void,
  onRead?: (bytes: number) => void,
): Promise<FileMeta> {
  const splitter = new MessageSplitter();
  const file = new FileAssembler();
  let expect: { n: number; count?: number; tag?: string } = { n: 0 };
  let unlabelled = false;
  let read = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.length;
    onRead?.(read);
    for (const message of splitter.push(value)) {
      if (unlabelled) throw new Error('a file sealed whole has one message');
      const { plain, label } = await openChunk(message, options, expect);
      unlabelled = label === null;
      expect = label ? { n: label.n + 1, count: label.count, tag: label.tag } : { n: 1, count: 1 };
      const bytes = file.push(plain);
      if (bytes.length > 0) await write(bytes);
    }
  }
  splitter.finish();
  if (expect.count === undefined || expect.n !== expect.count)
    throw new Error('the file is incomplete: chunks are missing');
  return file.finish();
}

/**
 * Turns the chunks' plaintexts, in order, back into the file: reads the header from the start,
 * then passes on the file's bytes and drops the padding after them.
 */
export class FileAssembler {
  meta: FileMeta | null = null;
  private head = new Uint8Array(0);
  private remaining = 0;

  /** Feeds a chunk's plaintext; returns the file bytes it holds (maybe none). */
  push(plain: Uint8Array): Uint8Array {
    if (!this.meta) {
      const joined = new Uint8Array(this.head.length + plain.length);
      joined.set(this.head);
      joined.set(plain, this.head.length);
      if (joined.length < 8) {
        this.head = joined;
        return new Uint8Array(0);
      }
      const view = new DataView(joined.buffer);
      const content = view.getUint32(0);
      const headerLength = view.getUint32(4);
      if (joined.length < 8 + headerLength) {
        this.head = joined;
        return new Uint8Array(0);
      }
      this.meta = JSON.parse(fromUtf8(joined.subarray(8, 8 + headerLength))) as FileMeta;
      this.remaining = content - 4 - headerLength;
      if (this.remaining !== this.meta.size)
        throw new Error('file header does not match its length');
      this.head = new Uint8Array(0);
      return this.take(joined.subarray(8 + headerLength));
    }
    return this.take(plain);
  }

  private take(bytes: Uint8Array): Uint8Array {
    const out = bytes.subarray(0, Math.min(bytes.length, this.remaining));
    this.remaining -= out.length;
    return out;
  }

  /** Throws when the chunks ended before the file did. */
  finish(): FileMeta {
    if (!this.meta || this.remaining > 0) throw new Error('the file is incomplete');
    return this.meta;
  }
}

/**
 * Cuts a byte stream of concatenated OpenPGP messages into messages, by reading packet headers
 * (RFC 9580 §4.2, both header formats, partial lengths too): each message ends with its
 * encrypted-data packet. A file stored whole before chunks existed is one such message.
 */
export class MessageSplitter {
  private buf = new Uint8Array(1 << 16);
  private used = 0;

  push(bytes: Uint8Array): Uint8Array[] {
    if (this.used + bytes.length > this.buf.length) {
      let size = this.buf.length;
      while (size < this.used + bytes.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
    const out: Uint8Array[] = [];
    for (;;) {
      const end = messageEnd(this.buf.subarray(0, this.used));
      if (end === null) break;
      out.push(this.buf.slice(0, end));
      this.buf.copyWithin(0, end, this.used);
      this.used -= end;
    }
    return out;
  }

  /** Throws when bytes are left that do not make a whole message. */
  finish(): void {
    if (this.used > 0) throw new Error('the encrypted file ends in the middle of a message');
  }
}

const ENCRYPTED_DATA = new Set([18, 20]);

/** Length of the first whole message in `b`, or null when more bytes are needed. */
function messageEnd(b: Uint8Array): number | null {
  let at = 0;
  while (at < b.length) {
    const first = b[at]!;
    if ((first & 0x80) === 0) throw new Error('not an OpenPGP packet');
    const newFormat = (first & 0x40) !== 0;
    const tag = newFormat ? first & 0x3f : (first >> 2) & 0x0f;
    const body = newFormat ? newBody(b, at + 1) : oldBody(b, at + 1, first & 3);
    if (body === null) return null;
    at = body;
    if (ENCRYPTED_DATA.has(tag)) return at;
  }
  return null;
}

/** End of an old-format packet whose length bytes start at `at`. */
function oldBody(b: Uint8Array, at: number, type: number): number | null {
  const bytes = [1, 2, 4][type];
  if (bytes === undefined) throw new Error('indeterminate packet length');
  if (at + bytes > b.length) return null;
  let len = 0;
  for (let i = 0; i < bytes; i++) len = len * 256 + b[at + i]!;
  const end = at + bytes + len;
  return end <= b.length ? end : null;
}

/** End of a new-format packet whose length bytes start at `at`, following partial lengths. */
function newBody(b: Uint8Array, at: number): number | null {
  for (;;) {
    if (at >= b.length) return null;
    const o = b[at]!;
    let len: number;
    let partial = false;
    if (o < 192) {
      len = o;
      at += 1;
    } else if (o < 224) {
      if (at + 2 > b.length) return null;
      len = ((o - 192) << 8) + b[at + 1]! + 192;
      at += 2;
    } else if (o === 255) {
      if (at + 5 > b.length) return null;
      len = ((b[at + 1]! << 24) >>> 0) + (b[at + 2]! << 16) + (b[at + 3]! << 8) + b[at + 4]!;
      at += 5;
    } else {
      len = 1 << (o & 0x1f);
      partial = true;
      at += 1;
    }
    at += len;
    if (at > b.length) return null;
    if (!partial) return at;
  }
}
