// Blob store inside the database, for the Node entry: encrypted attachment bytes as chunk rows of
// a WITHOUT ROWID table, so no file is written per upload and no file-system time dates one.
import { and, asc, eq, gt, gte, lt } from 'drizzle-orm';
import { attachmentChunks } from '../../db/schema';
import { ID_PATTERN } from '../lib/ids';
import type { BlobStore } from './blobs';
import type { Db } from './db';

/**
 * Half a MiB a row: small enough for any SQLite (and for D1's 2 MB row limit), so an uploaded
 * chunk of a few MiB is a few rows.
 */
export const CHUNK_BYTES = 512 * 1024;
/** Rows an uploaded chunk may take: chunk n's rows are seq n*ROWS_PER_CHUNK and up. */
const ROWS_PER_CHUNK = 64;
/** Rows read at once when streaming (2 MiB). */
const READ_ROWS = 4;

export class DbBlobStore implements BlobStore {
  constructor(private readonly db: Db) {}

  private check(key: string): string {
    if (!ID_PATTERN.test(key)) throw new Error('invalid blob key');
    return key;
  }

  private rows(id: string, bytes: Uint8Array, firstSeq: number) {
    const rows = [];
    for (let seq = firstSeq, at = 0; at < bytes.length || seq === firstSeq; seq++) {
      const end = Math.min(bytes.length, at + CHUNK_BYTES);
      const data = Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at);
      rows.push(this.db.insert(attachmentChunks).values({ attachmentId: id, seq, data }));
      at = end;
    }
    return rows;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const id = this.check(key);
    // Like a file or an R2 object, a put replaces what the key held (a grant re-wraps a file).
    // One batch is one transaction: the file is stored whole or not at all.
    await this.db.batch([
      this.db.delete(attachmentChunks).where(eq(attachmentChunks.attachmentId, id)),
      ...this.rows(id, bytes, 0),
    ]);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const rows = await this.db
      .select({ data: attachmentChunks.data })
      .from(attachmentChunks)
      .where(eq(attachmentChunks.attachmentId, this.check(key)))
      .orderBy(asc(attachmentChunks.seq));
    if (rows.length === 0) return null;
    if (rows.length === 1) return new Uint8Array(rows[0]!.data);
    return new Uint8Array(Buffer.concat(rows.map((r) => r.data)));
  }

  private page(id: string, after: number) {
    return this.db
      .select({ seq: attachmentChunks.seq, data: attachmentChunks.data })
      .from(attachmentChunks)
      .where(and(eq(attachmentChunks.attachmentId, id), gt(attachmentChunks.seq, after)))
      .orderBy(asc(attachmentChunks.seq))
      .limit(READ_ROWS);
  }

  async stream(key: string): Promise<ReadableStream<Uint8Array> | null> {
    const id = this.check(key);
    let rows = await this.page(id, -1);
    if (rows.length === 0) return null;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (rows.length === 0) return controller.close();
          for (const r of rows) controller.enqueue(new Uint8Array(r.data));
          rows = await this.page(id, rows[rows.length - 1]!.seq);
        },
      },
      { highWaterMark: 1 },
    );
  }

  async begin(key: string): Promise<string> {
    await this.delete(key);
    return '';
  }

  async putChunk(key: string, state: string, n: number, bytes: Uint8Array): Promise<string> {
    const id = this.check(key);
    const first = n * ROWS_PER_CHUNK;
    if (bytes.length > ROWS_PER_CHUNK * CHUNK_BYTES) throw new Error('chunk too large');
    await this.db.batch([
      this.db
        .delete(attachmentChunks)
        .where(
          and(
            eq(attachmentChunks.attachmentId, id),
            gte(attachmentChunks.seq, first),
            lt(attachmentChunks.seq, first + ROWS_PER_CHUNK),
          ),
        ),
      ...this.rows(id, bytes, first),
    ]);
    return state;
  }

  async complete(): Promise<void> {
    // The rows are in already; the attachment row written by the caller makes them visible.
  }

  async abort(key: string): Promise<void> {
    await this.delete(key);
  }

  async delete(key: string): Promise<void> {
    await this.db
      .delete(attachmentChunks)
      .where(eq(attachmentChunks.attachmentId, this.check(key)));
  }
}
