// What every service receives: storage, configuration and the clock. No HTTP in here.
import type { Config } from './config';
import type { Limits } from './lib/limits';
import type { BlobStore } from './storage/blobs';
import type { Db } from './storage/db';

export interface Ctx {
  db: Db;
  blobs: BlobStore;
  config: Config;
  now: () => Date;
  /** Limits shared by every instance of the portal; without it, this process's own. */
  limits?: Limits;
}
