// Blob store on the local disk for the Node entry: write to a temp file, fsync, rename, so a
// stored attachment is complete and durable before it is acknowledged.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ID_PATTERN } from '../lib/ids';
import type { BlobStore } from './blobs';

export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    // Keys are our own random IDs; refusing anything else keeps every path inside `dir`.
    if (!ID_PATTERN.test(key)) throw new Error('invalid blob key');
    return join(this.dir, key.slice(0, 2), key);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temp = `${target}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    // The rename itself is durable only once the directory entry is on disk too.
    const dir = await open(join(this.dir, key.slice(0, 2)), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
