// A unit's inbox, paged by keyset on the indexed sort key, so the first page and a deep page of
// 100,000 cases cost the same. Cases addressed to, copied to, or flagged up to the unit are merged.
import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { type CaseState, reports } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { toDay } from '../lib/days';
import { childUnitsQuery, type Relation } from './access';

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

function page(ctx: Ctx, where: SQL | undefined, q: InboxQuery) {
  const conditions = [
    where,
    q.state ? eq(reports.state, q.state) : undefined,
    q.cursor ? gt(reports.sortKey, q.cursor) : undefined,
  ];
  // Only the listed columns: the reporter's keys are kilobytes a row and the inbox never needs them.
  return ctx.db
    .select(INBOX_COLUMNS)
    .from(reports)
    .where(and(...conditions))
    .orderBy(asc(reports.sortKey))
    .limit(q.limit + 1);
}

export async function listInbox(ctx: Ctx, actor: Actor, q: InboxQuery) {
  const children = (await childUnitsQuery(ctx, actor.unitId)).map((r) => r.id);
  const [addressed, copied, flagged] = await Promise.all([
    page(ctx, eq(reports.unitId, actor.unitId), q),
    page(ctx, eq(reports.copiedUnitId, actor.unitId), q),
    children.length > 0
      ? page(ctx, and(inArray(reports.unitId, children), sql`${reports.retaliationFlagged} = 1`), q)
      : Promise.resolve([]),
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
