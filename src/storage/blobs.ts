// Where encrypted attachment bytes live. Node uses the local disk, the edge uses R2; services see
// only this interface. A put resolves only once the bytes are durable.

export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
}
