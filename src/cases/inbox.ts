// A unit's inbox, paged by keyset on the indexed sort key, so the first page and a deep page of
// 100,000 cases cost the same. Cases addressed to, copied to, or flagged up to the unit are merged.
import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { type CaseState, reports } from '../../db/schema';
import { logListRead } from '../audit/reads';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import type { InboxPage as InboxAnswer, InboxItem } from '../contract/cases';
import { toDay } from '../lib/days';
import { type Db, directStatement, preparedOnce } from '../storage/db';
import { BELOW_PARTS, notExcluded, type Relation, relationCondition } from './reach';

export interface InboxQuery {
  state?: CaseState | undefined;
  cursor?: string | undefined;
  limit: number;
}

export type { InboxItem };

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
 * The inbox's pages, each read through an index: the cases addressed to the unit, copied to it,
 * and the parts of those reached from below (reach.ts). A case on several pages is listed once,
 * with the relation of the first.
 */
const PAGES: { name: string; via: Relation; where(unit: Param, now: Param): SQL }[] = [
  {
    name: 'addressed',
    via: 'addressed',
    where: (unit) => relationCondition('addressed', unit),
  },
  { name: 'copied', via: 'copied', where: (unit) => relationCondition('copied', unit) },
  ...BELOW_PARTS,
];
type Param = ReturnType<typeof sql.placeholder>;

/** One page: its cases after the cursor, in the filter's state, in inbox order. */
function pageSelect(db: Db, page: (typeof PAGES)[number], byState: boolean, afterCursor: boolean) {
  const unit = sql.placeholder('unit');
  const now = sql.placeholder('now');
  const whose = page.where(unit, now);
  const via = sql<Relation>`${page.via}`;
  // Only the listed columns: the reporter's keys are kilobytes a row and the inbox never needs them.
  return db
    .select({ ...INBOX_COLUMNS, via: via.as('via') })
    .from(reports)
    .where(
      and(
        whose,
        // A key the reporter excluded never sees the case, in any list.
        notExcluded(sql.placeholder('actor')),
        byState ? eq(reports.state, sql.placeholder('state')) : undefined,
        afterCursor ? gt(reports.sortKey, sql.placeholder('cursor')) : undefined,
      ),
    )
    .orderBy(asc(reports.sortKey))
    .limit(sql.placeholder('limit'));
}

type PageRow = Awaited<ReturnType<typeof pageSelect>>[number];

/** A page row's columns, in the order the direct read lists them (`listInbox` sorts the rows). */
const ROW_JSON = sql.raw(
  'json_array(id, state, outcome, classification, received_day, acknowledge_by, feedback_by, retaliation_flagged, sort_key, via)',
);

/** All the pages in one statement, each as a JSON array of rows (for the direct read). */
function directPagesSql(db: Db, byState: boolean, afterCursor: boolean) {
  const pages = PAGES.map(
    (page) =>
      sql`(SELECT json_group_array(${ROW_JSON}) FROM (${pageSelect(db, page, byState, afterCursor).getSQL()}))`,
  );
  return sql`SELECT json_array(${sql.join(pages, sql`, `)})`;
}

type RowTuple = [
  PageRow['id'],
  PageRow['state'],
  PageRow['outcome'],
  PageRow['classification'],
  PageRow['receivedDay'],
  PageRow['acknowledgeBy'],
  PageRow['feedbackBy'],
  0 | 1,
  PageRow['sortKey'],
  Relation,
];
const fromTuple = (t: RowTuple): PageRow => ({
  id: t[0],
  state: t[1],
  outcome: t[2],
  classification: t[3],
  receivedDay: t[4],
  acknowledgeBy: t[5],
  feedbackBy: t[6],
  retaliationFlagged: t[7] === 1,
  sortKey: t[8],
  via: t[9],
});

/**
 * The pages (each up to `limit + 1` rows). The inbox is what supervisors reload
 * all day, and building its SQL cost as much as running it, so the queries are built once per
 * shape (the filters present) and database handle. On Node's embedded database one statement
 * reads them all on the second connection (`directStatement`), sparing the client's and drizzle's
 * per-row work; D1 and Turso run one prepared query a page.
 */
async function pages(ctx: Ctx, actor: Actor, q: InboxQuery): Promise<PageRow[][]> {
  const byState = Boolean(q.state);
  const afterCursor = Boolean(q.cursor);
  const values = {
    unit: actor.unitId,
    actor: actor.id,
    now: Math.floor(ctx.now().getTime() / 1000),
    state: q.state,
    cursor: q.cursor,
    limit: q.limit + 1,
  };
  const direct = directStatement(ctx.storage, `inbox|${byState}|${afterCursor}`, () =>
    directPagesSql(ctx.db, byState, afterCursor),
  );
  if (direct) {
    const text = direct(values);
    if (typeof text !== 'string') throw new TypeError('The inbox read gave no JSON text.');
    return (JSON.parse(text) as RowTuple[][]).map((rows) => rows.map(fromTuple));
  }
  return Promise.all(
    PAGES.map((page) =>
      preparedOnce(ctx.storage, `inbox|${page.name}|${byState}|${afterCursor}`, (db) =>
        pageSelect(db, page, byState, afterCursor).prepare(),
      ).all(values),
    ),
  );
}

export async function listInbox(ctx: Ctx, actor: Actor, q: InboxQuery): Promise<InboxAnswer> {
  // Who looked at the list is traced, once a day (audit/reads.ts), before it is answered.
  await logListRead(ctx, actor, 'inbox');
  const seen = new Map<string, { row: PageRow; relation: Relation }>();
  for (const row of (await pages(ctx, actor, q)).flat())
    if (!seen.has(row.id)) seen.set(row.id, { row, relation: row.via });
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
