// Who may read a case, as the database sees it: every route, query and CLI command that decides
// access takes it from here, and each answer is the SQL or async form of a rule in contract/reach.ts.
// Anything outside a supervisor's reach is "not found", exactly like a case that does not exist.
import { and, eq, gt, inArray, isNull, or, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { messages, reports, supervisors, units } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import {
  type CaseFacts,
  caseUnits,
  type Purpose,
  READING_ROLES,
  type Relation,
  recipientUnits,
  relationOf,
} from '../contract/reach';
import { notFound } from '../lib/errors';
import type { Db } from '../storage/db';

export type { Relation } from '../contract/reach';
export type ReportRow = typeof reports.$inferSelect;

export const caseNotFound = () => notFound('No such case.');
export const nowSeconds = (ctx: Ctx) => Math.floor(ctx.now().getTime() / 1000);

/** SQL form of `isReadingKey`: approved keys of a reading role, unexpired at `now` (seconds). */
export function readingKeyFilter(now: number | Placeholder<string>): SQL | undefined {
  return and(
    eq(supervisors.status, 'approved'),
    inArray(supervisors.role, [...READING_ROLES]),
    or(isNull(supervisors.keyExpiresAt), gt(supervisors.keyExpiresAt, now)),
  );
}

export async function parentOf(ctx: Ctx, unitId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ parentId: units.parentId })
    .from(units)
    .where(eq(units.id, unitId))
    .limit(1);
  return row?.parentId ?? null;
}

/** The facts the rules need about a case: its row plus the addressed unit's parent. */
export async function caseFacts(ctx: Ctx, report: ReportRow): Promise<CaseFacts> {
  return {
    unitId: report.unitId,
    copiedUnitId: report.copiedUnitId,
    retaliationFlagged: report.retaliationFlagged,
    parentId: await parentOf(ctx, report.unitId),
  };
}

/** Every unit whose supervisors see the case now, addressed unit first. */
export async function caseUnitIds(ctx: Ctx, report: ReportRow): Promise<string[]> {
  return caseUnits(await caseFacts(ctx, report)).map((u) => u.unitId);
}

/** Units whose keys what is written for `purpose` must be encrypted to, in checking order. */
export async function recipientUnitIds(
  ctx: Ctx,
  report: ReportRow,
  purpose: Purpose,
): Promise<string[]> {
  return recipientUnits(await caseFacts(ctx, report), purpose);
}

export async function relationTo(
  ctx: Ctx,
  actor: Pick<Actor, 'unitId'>,
  report: ReportRow,
): Promise<Relation | null> {
  return relationOf(await caseFacts(ctx, report), actor.unitId);
}

export async function caseForActor(
  ctx: Ctx,
  actor: Pick<Actor, 'unitId'>,
  reportId: string,
): Promise<{ report: ReportRow; relation: Relation }> {
  // One statement, the unit's parent joined in: a case outside the actor's reach then costs the
  // same work as a missing one, so neither answer nor work tells them apart.
  const [row] = await ctx.db
    .select({ report: reports, parentId: units.parentId })
    .from(reports)
    .leftJoin(units, eq(units.id, reports.unitId))
    .where(eq(reports.id, reportId))
    .limit(1);
  const report = row?.report;
  const relation = report
    ? relationOf(
        {
          unitId: report.unitId,
          copiedUnitId: report.copiedUnitId,
          retaliationFlagged: report.retaliationFlagged,
          parentId: row.parentId ?? null,
        },
        actor.unitId,
      )
    : null;
  if (!report || !relation) throw caseNotFound();
  return { report, relation };
}

/** SQL form of `relationOf(…) === kind` for the inbox: the cases a unit (a placeholder) sees so. */
export function relationCondition(db: Db, kind: Relation, unit: Placeholder<string>): SQL {
  if (kind === 'addressed') return eq(reports.unitId, unit);
  if (kind === 'copied') return eq(reports.copiedUnitId, unit);
  // Flagged cases of the units directly below, found through them in the same query.
  return and(
    inArray(
      reports.unitId,
      db.select({ id: units.id }).from(units).where(eq(units.parentId, unit)),
    ),
    sql`${reports.retaliationFlagged} = 1`,
  ) as SQL;
}

/** SQL form of `relationOf(…) !== null` for one unit: every case the unit sees, any relation. */
export async function visibleToUnit(ctx: Ctx, unitId: string): Promise<SQL | undefined> {
  const children = await ctx.db
    .select({ id: units.id })
    .from(units)
    .where(eq(units.parentId, unitId));
  return or(
    eq(reports.unitId, unitId),
    eq(reports.copiedUnitId, unitId),
    children.length > 0
      ? and(
          inArray(
            reports.unitId,
            children.map((c) => c.id),
          ),
          sql`${reports.retaliationFlagged} = 1`,
        )
      : undefined,
  );
}

/**
 * SQL form of `recipientUnits(…, 'retaliation')` for the report `r` of a CTE, as rows
 * `(unit_id, ord)`: addressed (0), copied (1), the unit above (2). Ordinary follow-up is ord < 2.
 */
export const RECIPIENT_UNITS_CTE = sql`case_units(unit_id, ord) AS (
    SELECT unit_id, 0 FROM r
    UNION ALL SELECT copied_unit_id, 1 FROM r
      WHERE copied_unit_id IS NOT NULL AND copied_unit_id IS NOT r.unit_id
    UNION ALL SELECT u.parent_id, 2 FROM r JOIN units u ON u.id = r.unit_id
      WHERE u.parent_id IS NOT NULL AND u.parent_id IS NOT r.copied_unit_id
        AND u.parent_id IS NOT r.unit_id
  )`;

/** SQL form of `isReadingKey` over a row `s` of supervisors, for hand-written statements. */
const READING_ROLES_SQL = sql.raw(READING_ROLES.map((r) => `'${r}'`).join(', '));
export const readingKeySql = (now: SQL | Placeholder<string> | number) =>
  sql`(s.status = 'approved' AND s.role IN (${READING_ROLES_SQL}) AND (s.key_expires_at IS NULL OR s.key_expires_at > ${now}))`;

/**
 * The keys a case's replies are verified against: only keys that signed a reply of this case,
 * each approved when it did (a reply needs an approved key's session). Pending, rejected and
 * never-used keys are not in it; a key revoked later stays, so its old replies still verify.
 */
export async function signerKeys(ctx: Ctx, reportId: string) {
  return ctx.db
    .selectDistinct({
      id: supervisors.id,
      pseudonym: supervisors.pseudonym,
      publicKey: supervisors.publicKey,
      fingerprint: supervisors.fingerprint,
    })
    .from(messages)
    .innerJoin(supervisors, eq(supervisors.id, messages.supervisorId))
    .where(and(eq(messages.reportId, reportId), eq(messages.kind, 'reply')))
    .orderBy(supervisors.fingerprint);
}

/** Every case a unit sees, any relation: what a recovery or a bulk grant from the CLI covers. */
export async function unitCaseIds(ctx: Ctx, unitId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: reports.id })
    .from(reports)
    .where(await visibleToUnit(ctx, unitId))
    .orderBy(reports.sortKey);
  return rows.map((r) => r.id);
}
