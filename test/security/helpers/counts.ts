// Row counts of every table, through the portal's own database handle: what a request wrote.
// Runtime-neutral, unlike test/helpers/db.ts, so the workerd twins can use it.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../../../src/context';

export async function tableCounts(ctx: Ctx): Promise<Record<string, number>> {
  const tables = await ctx.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name not like '%migrations%' order by name`,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await ctx.db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`));
    out[name] = Number(row?.n ?? 0);
  }
  return out;
}
