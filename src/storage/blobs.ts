// Where encrypted attachment bytes live. Node keeps them inside the database, the edge uses R2;
// services see only this interface. A put resolves only once the bytes are durable.

export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  /** The stored bytes as a stream, so a large file is never held whole. */
  stream(key: string): Promise<ReadableStream<Uint8Array> | null>;
  /**
   * A file written chunk by chunk (src/uploads). `begin` returns the store's state for it, each
   * `putChunk` the state after it; the caller keeps the state. Chunk `n` may be written again
   * (a retry) and replaces what it held. Nothing is readable before `complete`.
   */
  begin(key: string): Promise<string>;
  putChunk(
    key: string,
    state: string,
    n: number,
    bytes: Uint8Array,
    last: boolean,
  ): Promise<string>;
  complete(key: string, state: string): Promise<void>;
  /** Forgets an unfinished file and whatever chunks it had. */
  abort(key: string, state: string): Promise<void>;
}
