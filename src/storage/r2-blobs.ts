// Blob store on Cloudflare R2 for the Workers entry: same interface and key rule as the disk store.
// R2 acknowledges a put only after the object is stored durably, which is what BlobStore asks.
import { ID_PATTERN } from '../lib/ids';
import type { BlobStore } from './blobs';

/** The part of an R2 bucket binding used here; structural, so no Workers types are needed. */
export interface R2BucketLike {
  put(key: string, value: Uint8Array | ArrayBuffer): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  delete(key: string): Promise<void>;
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
    const object = await this.bucket.get(this.key(key));
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  async delete(key: string): Promise<void> {
    await this.bucket.delete(this.key(key));
  }
}
