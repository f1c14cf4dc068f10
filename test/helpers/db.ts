// Direct looks into the database for tests: row counts, to prove a rejected request stored nothing;
// and the same database seen only through drizzle, as on D1 and Turso.
import type { Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from '../../db/schema';
import type { Ctx } from '../../src/context';
import { plainStorage } from '../../src/storage/db';

/**
 * `ctx` with a drizzle handle on the same client and no direct read: the path D1 and Turso take,
 * to compare with the second-connection reads Node's embedded database offers.
 */
export function throughDrizzle(ctx: Ctx): Ctx {
  if (!ctx.storage.directRead)
    throw new Error('this database offers no direct read to compare with');
  const db = drizzle((ctx.db as Ctx['db'] & { $client: Client }).$client, { schema });
  return { ...ctx, db, storage: plainStorage(db) };
}

const TABLES = [
  'reports',
  'messages',
  'attachments',
  'case_events',
  'retaliation_flags',
  'pow_spent',
  'units',
  'supervisors',
  'audit_log',
  'sessions',
  'auth_challenges',
];

export async function rowCounts(ctx: Ctx): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const rows = await ctx.db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`));
    out[table] = Number(rows[0]?.n ?? 0);
  }
  return out;
}
