// Units and the public keys reporters encrypt to: a unit's key set is exactly its reading keys
// (approved, unexpired keys of its supervisors and of its recovery key, if it has one).
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { supervisors, units } from '../../db/schema';
import { nowSeconds, readingKeyFilter } from '../cases/reach';
import type { Ctx } from '../context';
import type { UnitKeyView, UnitView } from '../contract/units';
import { type Db, preparedOnce } from '../storage/db';

/** A reading key as reporters see it; the shape lives in the contract (src/contract/units.ts). */
export type UnitKey = UnitKeyView;
export type { UnitView };

// Which keys read a unit's content is decided in one place (cases/reach.ts).
const activeKeyFilter = readingKeyFilter;

const toUnitKey = (row: typeof supervisors.$inferSelect): UnitKey => ({
  id: row.id,
  displayName: row.displayName,
  fingerprint: row.fingerprint,
  // Reading keys are people's (`supervisor`) or the unit's recovery key (cases/reach.ts).
  role: row.role === 'recovery' ? 'recovery' : 'supervisor',
  publicKey: row.publicKey,
  encryptionKeyIds: JSON.parse(row.encryptionKeyIds) as string[],
  expiresAt: row.keyExpiresAt ? new Date(row.keyExpiresAt * 1000).toISOString() : null,
});

/** Active keys of the given units, in a stable order (by fingerprint). */
export async function activeKeys(ctx: Ctx, unitIds: string[]): Promise<Map<string, UnitKey[]>> {
  const result = new Map<string, UnitKey[]>(unitIds.map((id) => [id, []]));
  if (unitIds.length === 0) return result;
  const rows = await ctx.db
    .select()
    .from(supervisors)
    .where(and(inArray(supervisors.unitId, unitIds), activeKeyFilter(nowSeconds(ctx))))
    .orderBy(supervisors.fingerprint);
  for (const row of rows) result.get(row.unitId)?.push(toUnitKey(row));
  return result;
}

export async function listUnits(ctx: Ctx): Promise<UnitView[]> {
  const rows = await ctx.db.select().from(units).orderBy(units.level, units.name);
  const keys = await activeKeys(
    ctx,
    rows.map((u) => u.id),
  );
  return rows.map((u) => ({
    id: u.id,
    parentId: u.parentId,
    name: u.name,
    nameZh: u.nameZh,
    level: u.level,
    isDemo: u.isDemo,
    retentionMonths: u.retentionMonths,
    keys: keys.get(u.id) ?? [],
  }));
}

/** Every new report reads its unit and keys: the query is built once per database handle. */
const unitWithKeysQuery = (db: Db) =>
  db
    .select({ unit: units, key: supervisors })
    .from(units)
    .leftJoin(
      supervisors,
      and(
        or(eq(supervisors.unitId, units.id), eq(supervisors.unitId, units.parentId)),
        activeKeyFilter(sql.placeholder('now')),
      ),
    )
    .where(eq(units.id, sql.placeholder('id')))
    .orderBy(supervisors.fingerprint)
    .prepare();

/**
 * A unit with the active keys of itself and of the unit above, in one read: what a new report
 * needs to know before it is accepted (one round trip on D1 or Turso).
 */
export async function unitWithKeys(ctx: Ctx, id: string) {
  const query = preparedOnce(ctx.storage, 'unitWithKeys', unitWithKeysQuery);
  const rows = await query.all({ id, now: nowSeconds(ctx) });
  const unit = rows[0]?.unit;
  if (!unit) return null;
  const keys = new Map<string, UnitKey[]>([[unit.id, []]]);
  if (unit.parentId) keys.set(unit.parentId, []);
  for (const { key } of rows) if (key) keys.get(key.unitId)?.push(toUnitKey(key));
  return { unit, keys };
}

export async function getUnit(ctx: Ctx, id: string) {
  const [row] = await ctx.db.select().from(units).where(eq(units.id, id)).limit(1);
  return row ?? null;
}
