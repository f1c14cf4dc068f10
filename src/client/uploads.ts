// Sending one file in numbered chunks (src/uploads on the server), resumable: announcing the file
// tells how many chunks the server holds, and sending goes on from there, after a dropped
// connection (retried here) or a reload (the same file chosen again). At most two chunks are in memory:
// the one on its way and the next, sealed meanwhile.
import type { UploadState } from '../contract/uploads';
import { CHUNK_BYTES, type ChunkLabel, chunkLayout, randomBytes, toBase64Url } from '../crypto';
import { ApiError, callApi, type Fetcher, jsonInit } from './api';

/** A file read piece by piece: a File's slices in a browser, a buffer's in tests. */
export interface FileSource {
  name: string;
  type: string;
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
  /** The File behind it in a browser: handed to a Web Worker by reference, read there. */
  blob?: Blob;
}

/** Sends bytes with progress where the runtime can report it (XMLHttpRequest in a browser). */
export type Uploader = (
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | Blob,
  onSent: (bytes: number) => void,
) => Promise<unknown>;

export type UploadAnswer = UploadState & {
  /**
   * The file's last chunk went out, its answer was lost, and the server no longer takes the file:
   * it is complete (or, a day later, dropped). The caller asks the server what it holds now.
   */
  unconfirmed?: true;
};

/** What sealing one chunk needs: its label, and the file's key packets once the server has them. */
export interface ChunkRequest extends ChunkLabel {
  /** Base64url of the first chunk's session-key packets; absent for the first chunk. */
  keys?: string;
  /** The first chunk's data packet (version, cipher, AEAD mode), with the keys. */
  data?: UploadState['data'];
}

export interface SendFileOptions {
  fetcher: Fetcher;
  lookupToken: string;
  messageId: string;
  /** The file's place among its message's files (files go in order). */
  index: number;
  file: FileSource;
  /** Seals the plaintext of one chunk (wherever the reporter's key is held). */
  seal(chunk: ChunkRequest): Promise<Uint8Array | Blob>;
  upload?: Uploader;
  /** Plaintext bytes of the file sent so far, of its padded size. */
  onSent?(sent: number, total: number): void;
  /** Waits before a retry; tests pass one that does not wait. */
  wait?(ms: number): Promise<void>;
  /** Tries in a row without progress before giving up (the page then offers to try again). */
  attempts?: number;
}

const sizeOf = (body: Uint8Array | Blob) => (body instanceof Uint8Array ? body.length : body.size);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Errors of sealing (the file could not be read, or the key refused it) happen again on every try:
 * they go straight to the page, which says what went wrong, rather than through eight retries.
 */
const sealFailures = new WeakSet<object>();
const sealFailure = (err: unknown): never => {
  if (typeof err === 'object' && err !== null) sealFailures.add(err);
  throw err;
};

/** Worth another try: no answer at all, the server busy or failing, or a timeout. */
const transient = (err: unknown) =>
  !(typeof err === 'object' && err !== null && sealFailures.has(err)) &&
  (!(err instanceof ApiError) || err.status === 0 || err.status === 429 || err.status >= 500);

/**
 * After the last chunk's answer was lost, announcing the file again tells that the server took it:
 * a file before the message's last is counted as done (409 with `done` past it), and the last file
 * of a report or follow-up has turned its draft or pending message into a case's message (404).
 */
const takenAfterAll = (err: unknown, index: number) => {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 404) return true;
  const done = (err.details as { done?: unknown } | undefined)?.done;
  return err.status === 409 && typeof done === 'number' && done > index;
};

/** Sends the file; resolves with the server's answer to its last chunk. */
export async function sendFile(o: SendFileOptions): Promise<UploadAnswer> {
  const layout = chunkLayout({ name: o.file.name, type: o.file.type, size: o.file.size });
  const headers = { 'x-lookup-token': o.lookupToken };
  const announce = () =>
    callApi<UploadAnswer>(
      o.fetcher,
      '/api/uploads',
      jsonInit(
        {
          messageId: o.messageId,
          index: o.index,
          total: layout.total,
          chunks: layout.count,
          tag: toBase64Url(randomBytes(16)),
        },
        headers,
      ),
    );
  const maxTries = o.attempts ?? 8;
  let tries = 0;
  let state: UploadAnswer | null = null;
  // The last chunk went out and no answer came back: it may have been stored.
  let lastLost = false;
  // The next chunk is sealed while this one travels (sealing and sending each took about half the
  // time, one after the other). One seal at a time: a sealer may serve one request at once.
  let ahead: { key: string; body: Promise<Uint8Array | Blob> } | null = null;
  const requestFor = (s: UploadAnswer, n: number): ChunkRequest => ({
    tag: s.tag,
    n,
    count: s.chunks,
    ...(s.keys ? { keys: s.keys } : {}),
    ...(s.data ? { data: s.data } : {}),
  });
  const sealed = async (label: ChunkRequest) => {
    const key = `${label.tag}.${label.n}`;
    const early = ahead;
    ahead = null;
    if (early?.key === key) return early.body.catch(sealFailure);
    await early?.body.catch(() => undefined);
    return o.seal(label).catch(sealFailure);
  };
  for (;;) {
    try {
      if (!state) {
        const lost = lastLost;
        lastLost = false;
        state = await announce().catch((err: unknown) => {
          if (lost && takenAfterAll(err, o.index)) return null;
          throw err;
        });
        if (!state) {
          o.onSent?.(layout.total, layout.total);
          return {
            uploadId: '',
            tag: '',
            chunks: layout.count,
            received: layout.count,
            unconfirmed: true,
          };
        }
      }
      const s = state;
      const last = s.received === s.chunks - 1;
      const path = `/api/uploads/${s.uploadId}/chunks/${s.received}`;
      const body = await sealed(requestFor(s, s.received));
      // The next chunk can be sealed ahead only once the file's key packets are known (the
      // server's answer to the first chunk carries them).
      if (s.keys && s.received + 1 < s.chunks) {
        const next = requestFor(s, s.received + 1);
        ahead = { key: `${next.tag}.${next.n}`, body: o.seal(next) };
        ahead.body.catch(() => undefined); // a failure is met when the chunk's turn comes
      }
      const done = s.received * CHUNK_BYTES;
      const share = Math.min(CHUNK_BYTES, layout.total - done) / sizeOf(body);
      const onSent = (bytes: number) => o.onSent?.(done + bytes * share, layout.total);
      onSent(0);
      const chunkHeaders = { ...headers, 'content-type': 'application/octet-stream' };
      const answer = (await (o.upload
        ? o.upload(path, chunkHeaders, body, onSent)
        : callApi<UploadAnswer>(o.fetcher, path, {
            method: 'POST',
            headers: chunkHeaders,
            body: body as Uint8Array<ArrayBuffer> | Blob,
          })
      ).catch((err: unknown) => {
        lastLost = last && transient(err);
        throw err;
      })) as UploadAnswer;
      tries = 0;
      if (answer.attachmentId) {
        o.onSent?.(layout.total, layout.total);
        return answer;
      }
      state = answer;
    } catch (err) {
      // The server holds a different count (an answer lost on the way): ask it, and go on.
      const resync = err instanceof ApiError && err.status === 409 && state !== null;
      if (!resync && !transient(err)) throw err;
      if (++tries >= maxTries) throw err;
      if (!resync) await (o.wait ?? sleep)(Math.min(30_000, 500 * 2 ** tries));
      state = null;
    }
  }
}
