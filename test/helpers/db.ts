// Direct looks into the database for tests: row counts, to prove a rejected request stored nothing.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../../src/context';

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
