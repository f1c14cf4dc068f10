// What every service receives: storage, configuration and the clock. No HTTP in here.
import type { Config } from './config';
import { type Checks, inlineChecks } from './crypto/checks';
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
  /** Where the checks on what clients send run; without it, inline (src/crypto/checks.ts). */
  checks?: Checks;
}

/** The context an entry (or a test) builds around one opened storage. */
export function contextOf(storage: Storage, rest: Omit<Ctx, 'db' | 'storage'>): Ctx {
  return { db: storage.db, storage, ...rest };
}

/** The checks of this context: its pool's, or inline on the calling thread. */
export const checksOf = (ctx: Ctx): Checks => ctx.checks ?? inlineChecks;
