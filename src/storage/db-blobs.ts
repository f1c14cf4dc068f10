// Blob store inside the database, for the Node entry: encrypted attachment bytes as chunk rows of
// a WITHOUT ROWID table, so no file is written per upload and no file-system time dates one.
import { asc, eq } from 'drizzle-orm';
import { attachmentChunks } from '../../db/schema';
import { ID_PATTERN } from '../lib/ids';
import type { BlobStore } from './blobs';
import type { Db } from './db';

/**
 * Half a MiB a row: large enough that a 25 MB file is 50 rows, small enough for any SQLite
 * (and for D1's 2 MB row limit), and the shape a resumable chunked upload can fill piece by piece.
 */
export const CHUNK_BYTES = 512 * 1024;

export class DbBlobStore implements BlobStore {
  constructor(private readonly db: Db) {}

  private check(key: string): string {
    if (!ID_PATTERN.test(key)) throw new Error('invalid blob key');
    return key;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const id = this.check(key);
    // Like a file or an R2 object, a put replaces what the key held (a grant re-wraps a file).
    const rows = [];
    for (let seq = 0, at = 0; at < bytes.length || seq === 0; seq++, at += CHUNK_BYTES) {
      const data = Buffer.from(
        bytes.buffer,
        bytes.byteOffset + at,
        Math.min(CHUNK_BYTES, bytes.length - at),
      );
      rows.push(this.db.insert(attachmentChunks).values({ attachmentId: id, seq, data }));
    }
    // One batch is one transaction: the file is stored whole or not at all.
    await this.db.batch([
      this.db.delete(attachmentChunks).where(eq(attachmentChunks.attachmentId, id)),
      ...rows,
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

  async delete(key: string): Promise<void> {
    await this.db
      .delete(attachmentChunks)
      .where(eq(attachmentChunks.attachmentId, this.check(key)));
  }
}
