// Units and the public keys reporters encrypt to: a unit's key set is exactly its reading keys
// (approved, unexpired keys of its supervisors and of its recovery key, if it has one).
import { and, eq, inArray, type Placeholder, sql } from 'drizzle-orm';
import { supervisors, units } from '../../db/schema';
import { nowSeconds, readingKeyFilter, readingKeySql } from '../cases/reach';
import type { Ctx } from '../context';
import type { UnitKeyView, UnitView } from '../contract/units';
import { directStatement } from '../storage/db';

/** A reading key as reporters see it; the shape lives in the contract (src/contract/units.ts). */
export type UnitKey = UnitKeyView;
export type { UnitView };

// Which keys read a unit's content is decided in one place (cases/reach.ts).
const activeKeyFilter = readingKeyFilter;

/** The columns of a supervisors row that a reading key is made of. */
type KeyRow = Pick<
  typeof supervisors.$inferSelect,
  'id' | 'displayName' | 'fingerprint' | 'role' | 'publicKey' | 'encryptionKeyIds' | 'keyExpiresAt'
>;

const toUnitKey = (row: KeyRow): UnitKey => ({
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

type Param<T> = T | Placeholder<string>;

/**
 * A unit (its ID and the unit above) with the reading keys of itself and of the unit above, as
 * one JSON value built by SQLite: what a new report needs to know before it is accepted.
 */
const UNIT_WITH_KEYS_SQL = (id: Param<string>, now: Param<number>) => sql`
SELECT (SELECT json_object(
  'id', u.id,
  'parentId', u.parent_id,
  'keys', (SELECT json_group_array(json_object(
              'unitId', s.unit_id,
              'id', s.id,
              'displayName', s.display_name,
              'fingerprint', s.fingerprint,
              'role', s.role,
              'publicKey', s.public_key,
              'encryptionKeyIds', s.encryption_key_ids,
              'keyExpiresAt', s.key_expires_at)
            ORDER BY s.fingerprint)
           FROM supervisors s
           WHERE (s.unit_id = u.id OR s.unit_id = u.parent_id) AND ${readingKeySql(now)})
) FROM units u WHERE u.id = ${id}) AS found`;

interface FoundUnit {
  id: string;
  parentId: string | null;
  /** Keys as their rows hold them (`encryptionKeyIds` still JSON text), for `toUnitKey`. */
  keys: (KeyRow & { unitId: string })[];
}

/**
 * A unit with the active keys of itself and of the unit above, in one read (one round trip on D1
 * or Turso). Every new report reads it, so on Node's embedded database it runs as prebuilt text
 * on the reading connection and comes back as one JSON string (`directStatement`).
 */
export async function unitWithKeys(ctx: Ctx, id: string) {
  const now = nowSeconds(ctx);
  const direct = directStatement(ctx.storage, 'unit-with-keys', () =>
    UNIT_WITH_KEYS_SQL(sql.placeholder('id'), sql.placeholder('now')),
  );
  const json = direct
    ? direct({ id, now })
    : ((await ctx.db.get<{ found: string | null }>(UNIT_WITH_KEYS_SQL(id, now)))?.found ?? null);
  if (json === null) return null;
  const found = JSON.parse(
    typeof json === 'string' ? json : new TextDecoder().decode(json),
  ) as FoundUnit;
  const unit = { id: found.id, parentId: found.parentId };
  const keys = new Map<string, UnitKey[]>([[unit.id, []]]);
  if (unit.parentId) keys.set(unit.parentId, []);
  for (const key of found.keys) keys.get(key.unitId)?.push(toUnitKey(key));
  return { unit, keys };
}

export async function getUnit(ctx: Ctx, id: string) {
  const [row] = await ctx.db.select().from(units).where(eq(units.id, id)).limit(1);
  return row ?? null;
}
