// A unit's inbox, paged by keyset on the indexed sort key, so the first page and a deep page of
// 100,000 cases cost the same. Cases addressed to, copied to, or flagged up to the unit are merged.
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { type CaseState, reports, units } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { toDay } from '../lib/days';
import { type Db, preparedOnce } from '../storage/db';
import type { Relation } from './access';

export interface InboxQuery {
  state?: CaseState | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface InboxItem {
  id: string;
  state: CaseState;
  outcome: string | null;
  classification: string | null;
  receivedDay: string;
  acknowledgeBy: string;
  feedbackBy: string;
  due: string | null;
  overdue: boolean;
  retaliationFlagged: boolean;
  openRetaliation: boolean;
  relation: Relation;
}

const INBOX_COLUMNS = {
  id: reports.id,
  state: reports.state,
  outcome: reports.outcome,
  classification: reports.classification,
  receivedDay: reports.receivedDay,
  acknowledgeBy: reports.acknowledgeBy,
  feedbackBy: reports.feedbackBy,
  retaliationFlagged: reports.retaliationFlagged,
  sortKey: reports.sortKey,
};

/**
 * One relation's page as a prepared query: the inbox is what supervisors reload all day, and
 * building its SQL cost as much as running it. The unit, state, cursor and limit are parameters;
 * a query is prepared per relation and per filter present, once per database handle.
 */
function pageQuery(db: Db, kind: Relation, byState: boolean, afterCursor: boolean) {
  const unit = sql.placeholder('unit');
  const whose =
    kind === 'addressed'
      ? eq(reports.unitId, unit)
      : kind === 'copied'
        ? eq(reports.copiedUnitId, unit)
        : and(
            inArray(
              reports.unitId,
              db.select({ id: units.id }).from(units).where(eq(units.parentId, unit)),
            ),
            sql`${reports.retaliationFlagged} = 1`,
          );
  // Only the listed columns: the reporter's keys are kilobytes a row and the inbox never needs them.
  return db
    .select(INBOX_COLUMNS)
    .from(reports)
    .where(
      and(
        whose,
        byState ? eq(reports.state, sql.placeholder('state')) : undefined,
        afterCursor ? gt(reports.sortKey, sql.placeholder('cursor')) : undefined,
      ),
    )
    .orderBy(asc(reports.sortKey))
    .limit(sql.placeholder('limit'))
    .prepare();
}
function page(ctx: Ctx, kind: Relation, unitId: string, q: InboxQuery) {
  const byState = Boolean(q.state);
  const afterCursor = Boolean(q.cursor);
  const query = preparedOnce(ctx.db, `inbox|${kind}|${byState}|${afterCursor}`, (db) =>
    pageQuery(db, kind, byState, afterCursor),
  );
  return query.all({ unit: unitId, state: q.state, cursor: q.cursor, limit: q.limit + 1 });
}

export async function listInbox(ctx: Ctx, actor: Actor, q: InboxQuery) {
  // Cases flagged up from the units below are found through them in the same query.
  const [addressed, copied, flagged] = await Promise.all([
    page(ctx, 'addressed', actor.unitId, q),
    page(ctx, 'copied', actor.unitId, q),
    page(ctx, 'retaliation', actor.unitId, q),
  ]);
  const seen = new Map<string, { row: (typeof addressed)[number]; relation: Relation }>();
  for (const row of addressed) seen.set(row.id, { row, relation: 'addressed' });
  for (const row of copied) if (!seen.has(row.id)) seen.set(row.id, { row, relation: 'copied' });
  for (const row of flagged)
    if (!seen.has(row.id)) seen.set(row.id, { row, relation: 'retaliation' });
  const merged = [...seen.values()].sort((a, b) => (a.row.sortKey < b.row.sortKey ? -1 : 1));
  const pageRows = merged.slice(0, q.limit);
  const today = toDay(ctx.now());
  const items: InboxItem[] = pageRows.map(({ row, relation }) => {
    const [bucket, day] = row.sortKey.split('|');
    const due = bucket === '2' ? null : (day ?? null);
    return {
      id: row.id,
      state: row.state,
      outcome: row.outcome,
      classification: row.classification,
      receivedDay: row.receivedDay,
      acknowledgeBy: row.acknowledgeBy,
      feedbackBy: row.feedbackBy,
      due,
      overdue: due !== null && due < today,
      retaliationFlagged: row.retaliationFlagged,
      openRetaliation: bucket === '0',
      relation,
    };
  });
  const nextCursor =
    merged.length > q.limit ? (pageRows[pageRows.length - 1]?.row.sortKey ?? null) : null;
  return { items, nextCursor };
}
