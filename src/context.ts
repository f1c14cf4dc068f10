// What every service receives: storage, configuration and the clock. No HTTP in here.
import type { Config } from './config';
import type { Limits } from './lib/limits';
import type { BlobStore } from './storage/blobs';
import type { Db, Storage } from './storage/db';

export interface Ctx {
  /** The ORM: always `storage.db`, named here because nearly every service queries it. */
  db: Db;
  /** The opened database as a whole: direct reads, commits, what is kept in memory beside it. */
  storage: Storage;
  blobs: BlobStore;
  config: Config;
  now: () => Date;
  /** Limits shared by every instance of the portal; without it, this process's own. */
  limits?: Limits;
}

/** The context an entry (or a test) builds around one opened storage. */
export function contextOf(storage: Storage, rest: Omit<Ctx, 'db' | 'storage'>): Ctx {
  return { db: storage.db, storage, ...rest };
}
