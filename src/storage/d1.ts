// Opens a Cloudflare D1 binding as the portal's Db. Migrations are applied by wrangler
// (`wrangler d1 migrations apply`), never at request time.
import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../../db/schema';
import { type Db, plainStorage, type Storage } from './db';

/** A D1 binding as drizzle accepts it; typed structurally so no global Workers types are needed. */
export type D1Binding = Parameters<typeof drizzle>[0];

export function openD1(binding: D1Binding): Storage {
  // drizzle's D1 and libSQL databases share the async SQLite query API the services use (select,
  // insert, update, delete, all, batch); only their result metadata types differ, and no service
  // reads those. So one cast here lets every service keep the single `Db` type.
  return plainStorage(drizzle(binding, { schema }) as unknown as Db);
}
