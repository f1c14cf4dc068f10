// Who may read a case, as the database sees it: every route, query and CLI command that decides
// access takes it from here, and each answer is the SQL or async form of a rule in contract/reach.ts.
// Anything outside a supervisor's reach is "not found", exactly like a case that does not exist.
import {
  type AnyColumn,
  and,
  eq,
  gt,
  inArray,
  isNull,
  ne,
  or,
  type Placeholder,
  type SQL,
  sql,
} from 'drizzle-orm';
import { caseExclusions, caseShares, messages, reports, supervisors, units } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import {
  type CaseFacts,
  caseUnits,
  hasReader,
  type Purpose,
  READING_ROLES,
  type Relation,
  recipientUnits,
  relationOfKey,
} from '../contract/reach';
import { notFound } from '../lib/errors';

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

/** The facts the rules need about a case: its row, the addressed unit's parent, its shares,
 * its exclusions and whether the addressed unit keeps a reader for it. */
export async function caseFacts(ctx: Ctx, report: ReportRow): Promise<CaseFacts> {
  const [parentId, shares, excluded, keys] = await Promise.all([
    parentOf(ctx, report.unitId),
    ctx.db
      .select({ unitId: caseShares.unitId })
      .from(caseShares)
      .where(eq(caseShares.reportId, report.id)),
    excludedKeyIds(ctx, report.id),
    ctx.db
      .select({ id: supervisors.id, role: supervisors.role })
      .from(supervisors)
      .where(and(eq(supervisors.unitId, report.unitId), readingKeyFilter(nowSeconds(ctx)))),
  ]);
  return {
    unitId: report.unitId,
    copiedUnitId: report.copiedUnitId,
    retaliationFlagged: report.retaliationFlagged,
    parentId,
    sharedUnitIds: shares.map((s) => s.unitId).sort(),
    escalatedUnitId: report.escalatedUnitId,
    addressedHasReaders: hasReader(keys, excluded),
    excludedKeyIds: excluded,
  };
}

/** Supervisor IDs the reporter excluded from a case (or from the draft of the same ID). */
export async function excludedKeyIds(ctx: Ctx, reportId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: caseExclusions.supervisorId })
    .from(caseExclusions)
    .where(eq(caseExclusions.reportId, reportId));
  return rows.map((r) => r.id).sort();
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
  actor: Pick<Actor, 'id' | 'unitId'>,
  report: ReportRow,
): Promise<Relation | null> {
  return relationOfKey(await caseFacts(ctx, report), actor);
}

/** SQL: the report row in the query keeps a reader in the unit `unitCol` (see `hasReader`). */
export const readerFor = (unitCol: SQL | Placeholder<string> | AnyColumn, now: Param<number>) =>
  sql`EXISTS (SELECT 1 FROM supervisors rs WHERE rs.unit_id = ${unitCol} AND rs.role = 'supervisor'
    AND rs.status = 'approved' AND (rs.key_expires_at IS NULL OR rs.key_expires_at > ${now})
    AND NOT EXISTS (SELECT 1 FROM case_exclusions rx
                    WHERE rx.report_id = ${reports.id} AND rx.supervisor_id = rs.id))`;

/** SQL: the supervisor `keyId` is not excluded from the report row in the query. */
export const notExcluded = (keyId: Param<string>) =>
  sql`NOT EXISTS (SELECT 1 FROM case_exclusions xa
    WHERE xa.report_id = ${reports.id} AND xa.supervisor_id = ${keyId})`;

type Param<T> = T | Placeholder<string>;

export async function caseForActor(
  ctx: Ctx,
  actor: Pick<Actor, 'id' | 'unitId'>,
  reportId: string,
): Promise<{ report: ReportRow; relation: Relation }> {
  // One statement, the unit's parent, the actor's exclusion, the shares and the addressed unit's
  // readers read in it: a case outside the actor's reach then costs the same work as a missing
  // one, so neither answer nor work tells them apart.
  const [row] = await ctx.db
    .select({
      report: reports,
      parentId: units.parentId,
      excluded: sql<number>`NOT ${notExcluded(actor.id)}`,
      shared: sql<string>`(SELECT json_group_array(unit_id) FROM case_shares
        WHERE report_id = ${reports.id})`,
      readers: sql<number>`${readerFor(reports.unitId, nowSeconds(ctx))}`,
    })
    .from(reports)
    .leftJoin(units, eq(units.id, reports.unitId))
    .where(eq(reports.id, reportId))
    .limit(1);
  const report = row?.report;
  const relation = report
    ? relationOfKey(
        {
          unitId: report.unitId,
          copiedUnitId: report.copiedUnitId,
          retaliationFlagged: report.retaliationFlagged,
          parentId: row.parentId ?? null,
          sharedUnitIds: JSON.parse(row.shared) as string[],
          escalatedUnitId: report.escalatedUnitId,
          addressedHasReaders: Boolean(row.readers),
          excludedKeyIds: row.excluded ? [actor.id] : [],
        },
        actor,
      )
    : null;
  if (!report || !relation) throw caseNotFound();
  return { report, relation };
}

const childOf = (unit: Param<string>) =>
  sql`${reports.unitId} IN (SELECT id FROM units WHERE parent_id = ${unit})`;
const sharedWith = (unit: Param<string>) =>
  sql`${reports.id} IN (SELECT report_id FROM case_shares WHERE unit_id = ${unit})`;

/**
 * SQL form of `relationOf(…)` for the inbox's first two pages, for the unit `unit` (a
 * placeholder); the cases reached from below are `BELOW_PARTS`. Excluded keys never see a case:
 * `notExcluded` goes with each page.
 */
export function relationCondition(kind: 'addressed' | 'copied', unit: Param<string>): SQL {
  return (kind === 'addressed' ? eq(reports.unitId, unit) : eq(reports.copiedUnitId, unit)) as SQL;
}

/** The units right below `unit` that have no reading key left at all: all their cases go up. */
const childWithoutReaders = (unit: Param<string>, now: Param<number>) =>
  sql`SELECT cu.id FROM units cu WHERE cu.parent_id = ${unit} AND NOT EXISTS (
    SELECT 1 FROM supervisors rs WHERE rs.unit_id = cu.id AND rs.role = 'supervisor'
      AND rs.status = 'approved' AND (rs.key_expires_at IS NULL OR rs.key_expires_at > ${now}))`;

/**
 * The cases reached from below (shared with the unit, or of a unit right below it without a reader
 * or with a flag, or a flag passed up to it), as parts that each read an index rather than every
 * case: one condition with ORs made SQLite scan all the cases of every unit for each inbox page
 * (at 100,000 cases, 19 pages a second). Their union is that relation:
 * a case of a unit below has no reader left when its unit has none at all, or when every reader it
 * has is excluded from the case, which takes an exclusion row of one of them. A case in several
 * parts takes the relation of the first, in `belowRelation`'s order: shared, escalated for want of
 * readers, retaliation, escalated by an unanswered flag.
 */
export const BELOW_PARTS: {
  name: string;
  via: Relation;
  where(unit: Param<string>, now: Param<number>): SQL;
}[] = [
  { name: 'shared', via: 'shared', where: (unit) => sharedWith(unit) },
  {
    name: 'orphaned',
    via: 'escalated',
    where: (unit, now) => sql`${reports.unitId} IN (${childWithoutReaders(unit, now)})`,
  },
  {
    name: 'unread',
    via: 'escalated',
    where: (unit, now) => sql`${reports.id} IN (SELECT ex.report_id FROM case_exclusions ex
        JOIN supervisors es ON es.id = ex.supervisor_id
        WHERE es.unit_id IN (SELECT id FROM units WHERE parent_id = ${unit}))
      AND ${childOf(unit)} AND NOT ${readerFor(reports.unitId, now)}`,
  },
  {
    name: 'flagged',
    via: 'retaliation',
    where: (unit) => sql`${childOf(unit)} AND ${reports.retaliationFlagged} = 1`,
  },
  {
    name: 'passed',
    via: 'escalated',
    where: (unit) =>
      sql`${reports.escalatedUnitId} = ${unit} AND ${reports.retaliationFlagged} = 1`,
  },
];

/** SQL: which relation a row of the "below" page has to `unit` (see `BELOW_PARTS`). */
export const belowRelation = (unit: Param<string>, now: Param<number>) =>
  sql<Relation>`CASE WHEN ${sharedWith(unit)} THEN 'shared'
    WHEN ${childOf(unit)} AND NOT ${readerFor(reports.unitId, now)} THEN 'escalated'
    WHEN ${childOf(unit)} THEN 'retaliation' ELSE 'escalated' END`;

/**
 * SQL form of `relationOfKey(…) !== null`: every case a key of the unit sees, any relation, as two
 * disjoint conditions. The unit's own cases, which its covering inbox indexes answer without
 * reading a row; and the others (copied to it, or reached from below as `BELOW_PARTS`, each a
 * set of ids read once through its index). As one condition with ORs, SQLite tested every case
 * row by row, reading each row's overflow pages: at 100,000 cases a daily notice's counts took
 * 45 s for the unit and 21 s for the unit above, on the thread that serves requests.
 */
export function visibleParts(unitId: string, keyId: string | null, now: number): [SQL, SQL] {
  const below = BELOW_PARTS.map(
    (part) => sql`${reports.id} IN (SELECT id FROM reports WHERE ${part.where(unitId, now)})`,
  );
  const seen = keyId ? notExcluded(keyId) : undefined;
  return [
    and(eq(reports.unitId, unitId), seen) as SQL,
    and(ne(reports.unitId, unitId), or(eq(reports.copiedUnitId, unitId), ...below), seen) as SQL,
  ];
}

/** `visibleParts` as one condition, for lists that go on to read the rows anyway. */
export function visibleTo(unitId: string, keyId: string | null, now: number): SQL {
  return or(...visibleParts(unitId, keyId, now)) as SQL;
}

/**
 * SQL form of `recipientUnits(…, 'retaliation')` for the report `r` of a CTE, as rows
 * `(unit_id, ord)`, each unit once at its lowest ord: addressed (0); copied, shared, and the unit
 * above when the addressed unit has no reader left for the case (1); the unit above and a unit an
 * unanswered flag was passed to (2). Ordinary follow-up is ord < 2.
 */
export const recipientUnitsCte = (now: Param<number>) => sql`case_units(unit_id, ord) AS (
    SELECT unit_id, min(ord) FROM (
      -- Three terms only: D1 allows few in a compound SELECT.
      SELECT j.value AS unit_id, CASE j.key WHEN 0 THEN 0 WHEN 1 THEN 1 ELSE 2 END AS ord
        FROM r, json_each(json_array(r.unit_id, r.copied_unit_id, r.escalated_unit_id)) j
      UNION ALL SELECT unit_id, 1 FROM case_shares WHERE report_id = (SELECT id FROM r)
      UNION ALL SELECT u.parent_id, CASE WHEN EXISTS (SELECT 1 FROM supervisors rs
          WHERE rs.unit_id = r.unit_id AND rs.role = 'supervisor' AND rs.status = 'approved'
            AND (rs.key_expires_at IS NULL OR rs.key_expires_at > ${now})
            AND rs.id NOT IN (SELECT supervisor_id FROM case_exclusions WHERE report_id = r.id))
        THEN 2 ELSE 1 END
        FROM r JOIN units u ON u.id = r.unit_id
    ) WHERE unit_id IS NOT NULL GROUP BY unit_id
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
    .where(visibleTo(unitId, null, nowSeconds(ctx)))
    .orderBy(reports.sortKey);
  return rows.map((r) => r.id);
}
