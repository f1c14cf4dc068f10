// Blob store on Cloudflare R2 for the Workers entry: same interface and key rule as the database
// store. R2 acknowledges a put only after the object is stored durably, which is what BlobStore
// asks. A file sent in chunks becomes one multipart upload, a part a chunk, never held whole.
import { CHUNK_BYTES, CHUNK_OVERHEAD } from '../crypto/chunks';
import { ID_PATTERN } from '../lib/ids';
import type { BlobStore } from './blobs';

interface R2PartLike {
  partNumber: number;
  etag: string;
}
interface R2MultipartLike {
  uploadId: string;
  uploadPart(partNumber: number, value: Uint8Array): Promise<R2PartLike>;
  complete(parts: R2PartLike[]): Promise<unknown>;
  abort(): Promise<void>;
}

/** The part of an R2 bucket binding used here; structural, so no Workers types are needed. */
export interface R2BucketLike {
  put(key: string, value: Uint8Array | ArrayBuffer): Promise<unknown>;
  get(key: string): Promise<{
    arrayBuffer(): Promise<ArrayBuffer>;
    body: ReadableStream<Uint8Array>;
    customMetadata?: Record<string, string>;
  } | null>;
  delete(key: string): Promise<void>;
  createMultipartUpload(
    key: string,
    options?: { customMetadata?: Record<string, string> },
  ): Promise<R2MultipartLike>;
  resumeMultipartUpload(key: string, uploadId: string): R2MultipartLike;
}

/**
 * R2 wants every part but the last of one size (and at least 5 MiB), while a chunk's ciphertext
 * varies by a few bytes. So each part is a frame: the chunk's length (4 bytes), the chunk, and
 * zeros up to PART_BYTES; the last part is not filled. Reading strips the frames again.
 */
export const PART_BYTES = 4 + CHUNK_BYTES + CHUNK_OVERHEAD;
const FRAMED = { framing: 'chunks-v1' };

interface State {
  uploadId: string;
  etags: string[];
}

export class R2BlobStore implements BlobStore {
  constructor(
    private readonly bucket: R2BucketLike,
    private readonly prefix = 'blobs/',
  ) {}

  private key(key: string): string {
    // Keys are our own random IDs; refusing anything else keeps every object under `prefix`.
    if (!ID_PATTERN.test(key)) throw new Error('invalid blob key');
    return `${this.prefix}${key}`;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.bucket.put(this.key(key), bytes);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const stream = await this.stream(key);
    if (!stream) return null;
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  async stream(key: string): Promise<ReadableStream<Uint8Array> | null> {
    const object = await this.bucket.get(this.key(key));
    if (!object) return null;
    if (object.customMetadata?.framing !== FRAMED.framing) return object.body;
    return object.body.pipeThrough(unframe());
  }

  async delete(key: string): Promise<void> {
    await this.bucket.delete(this.key(key));
  }

  async begin(key: string): Promise<string> {
    const upload = await this.bucket.createMultipartUpload(this.key(key), {
      customMetadata: FRAMED,
    });
    return JSON.stringify({ uploadId: upload.uploadId, etags: [] } satisfies State);
  }

  async putChunk(
    key: string,
    state: string,
    n: number,
    bytes: Uint8Array,
    last: boolean,
  ): Promise<string> {
    if (bytes.length > PART_BYTES - 4) throw new Error('chunk too large for its frame');
    const s = JSON.parse(state) as State;
    const frame = new Uint8Array(last ? 4 + bytes.length : PART_BYTES);
    new DataView(frame.buffer).setUint32(0, bytes.length);
    frame.set(bytes, 4);
    const upload = this.bucket.resumeMultipartUpload(this.key(key), s.uploadId);
    const part = await upload.uploadPart(n + 1, frame);
    s.etags[n] = part.etag;
    return JSON.stringify(s);
  }

  async complete(key: string, state: string): Promise<void> {
    const s = JSON.parse(state) as State;
    const upload = this.bucket.resumeMultipartUpload(this.key(key), s.uploadId);
    await upload.complete(s.etags.map((etag, i) => ({ partNumber: i + 1, etag })));
  }

  async abort(key: string, state: string): Promise<void> {
    if (!state) return;
    const s = JSON.parse(state) as State;
    await this.bucket.resumeMultipartUpload(this.key(key), s.uploadId).abort();
  }
}

/** Strips the part frames: passes each chunk's bytes on and skips the zeros after them. */
function unframe(): TransformStream<Uint8Array, Uint8Array> {
  let inPart = 0; // bytes of the current part seen so far
  let length = 0; // the current chunk's length, once its 4 bytes are read
  const head = new Uint8Array(4);
  return new TransformStream({
    transform(bytes, controller) {
      let at = 0;
      while (at < bytes.length) {
        if (inPart < 4) {
          const take = Math.min(4 - inPart, bytes.length - at);
          head.set(bytes.subarray(at, at + take), inPart);
          inPart += take;
          at += take;
          if (inPart === 4) length = new DataView(head.buffer).getUint32(0);
          continue;
        }
        const dataLeft = 4 + length - inPart;
        if (dataLeft > 0) {
          const take = Math.min(dataLeft, bytes.length - at);
          controller.enqueue(bytes.slice(at, at + take));
          inPart += take;
          at += take;
          continue;
        }
        const take = Math.min(PART_BYTES - inPart, bytes.length - at);
        inPart += take;
        at += take;
        if (inPart === PART_BYTES) inPart = 0;
      }
    },
  });
}
