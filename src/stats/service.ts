// Figures for regular notification, per unit and quarter. Every count below 5 is shown as "<5"
// (and handling times resting on fewer than 5 flags are withheld), so no cell can single out
// a reporter.
import { eq, sql } from 'drizzle-orm';
import { CASE_OUTCOMES, units } from '../../db/schema';
import { dailyHead } from '../audit/checkpoints';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import type { AdminStats, Cell, PublicStats, UnitQuarter } from '../contract/stats';
import { toDay } from '../lib/days';

export const SMALL_CELL = 5;
export type { Cell, UnitQuarter };

export const suppress = (n: number): Cell => (n >= SMALL_CELL ? n : '<5');

const quarterOf = (column: string) =>
  `substr(${column}, 1, 4) || '-Q' || ((cast(substr(${column}, 6, 2) as integer) + 2) / 3)`;

interface CaseRow {
  unit_id: string;
  quarter: string;
  received: number;
  ack_in_time: number;
  substantiated: number;
  unsubstantiated: number;
  referred: number;
  withdrawn: number;
}

interface FlagRow {
  unit_id: string;
  quarter: string;
  flags: number;
  ack_in_time: number;
  resolved: number;
  days: string | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The quarter a day falls in, as the figures name it: `2026-Q4`. */
export const quarterOfDay = (day: string): string =>
  `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) + 2) / 3)}`;

/**
 * What the public may see on `day`: quarters that have ended. Live figures would time each
 * report as it arrives to anyone polling them; a closed quarter's count no longer moves when
 * reports come. `nextPublication` is the day the current quarter's figures appear.
 */
export function publication(day: string): { current: string; nextPublication: string } {
  const year = Number(day.slice(0, 4));
  const q = Math.floor((Number(day.slice(5, 7)) + 2) / 3);
  const next = q === 4 ? `${year + 1}-01-01` : `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`;
  return { current: quarterOfDay(day), nextPublication: next };
}

export async function figures(
  ctx: Ctx,
  unitIds?: string[],
  options: { before?: string } = {},
): Promise<UnitQuarter[]> {
  const cases = await ctx.db.all<CaseRow>(
    sql.raw(`select r.unit_id, ${quarterOf('r.received_day')} as quarter, count(*) as received,
      sum(r.ack) as ack_in_time,
      ${CASE_OUTCOMES.map((o) => `sum(case when r.state = 'closed' and r.outcome = '${o}' then 1 else 0 end) as ${o}`).join(', ')}
      from (select c.unit_id, c.received_day, c.state, c.outcome,
          case when e.day is not null and e.day <= c.acknowledge_by then 1 else 0 end as ack
        from reports c left join case_events e on e.report_id = c.id and e.position = 1
        union all
        -- What deleted cases left behind (retention/service.ts) still counts.
        select unit_id, received_day, 'closed', outcome, acknowledged_in_time from case_stats) r
      group by 1, 2`),
  );
  const flags = await ctx.db.all<FlagRow>(
    sql.raw(`select r.unit_id, ${quarterOf('f.day')} as quarter, count(*) as flags,
      sum(case when f.acknowledged_day is not null and f.acknowledged_day <= f.due_by then 1 else 0 end) as ack_in_time,
      sum(case when f.resolved_day is not null then 1 else 0 end) as resolved,
      group_concat(cast(julianday(f.resolved_day) - julianday(f.day) as integer)) as days
      from retaliation_flags f join reports r on r.id = f.report_id
      group by 1, 2`),
  );
  const cells = new Map<string, UnitQuarter>();
  const cell = (unitId: string, quarter: string): UnitQuarter => {
    const key = `${unitId}|${quarter}`;
    let c = cells.get(key);
    if (!c) {
      const zero = suppress(0);
      c = {
        unitId,
        quarter,
        received: zero,
        acknowledgedInTime: zero,
        closed: { substantiated: zero, unsubstantiated: zero, referred: zero, withdrawn: zero },
        retaliationFlags: zero,
        retaliationAcknowledgedInTime: zero,
        retaliationResolved: zero,
        retaliationMedianDaysToResolve: null,
      };
      cells.set(key, c);
    }
    return c;
  };
  for (const r of cases) {
    const c = cell(r.unit_id, r.quarter);
    c.received = suppress(Number(r.received));
    c.acknowledgedInTime = suppress(Number(r.ack_in_time));
    for (const o of CASE_OUTCOMES) c.closed[o] = suppress(Number(r[o]));
  }
  for (const f of flags) {
    const c = cell(f.unit_id, f.quarter);
    c.retaliationFlags = suppress(Number(f.flags));
    c.retaliationAcknowledgedInTime = suppress(Number(f.ack_in_time));
    c.retaliationResolved = suppress(Number(f.resolved));
    const days = (f.days ?? '').split(',').filter(Boolean).map(Number);
    c.retaliationMedianDaysToResolve = days.length >= SMALL_CELL ? median(days) : null;
  }
  const wanted = unitIds ? new Set(unitIds) : null;
  return [...cells.values()]
    .filter((c) => !wanted || wanted.has(c.unitId))
    .filter((c) => !options.before || c.quarter < options.before)
    .sort((a, b) =>
      a.unitId === b.unitId ? b.quarter.localeCompare(a.quarter) : a.unitId.localeCompare(b.unitId),
    );
}

export function toCsv(rows: UnitQuarter[], unitNames: Map<string, string>): string {
  const header = [
    'unit',
    'quarter',
    'received',
    'acknowledged_in_time',
    ...CASE_OUTCOMES.map((o) => `closed_${o}`),
    'retaliation_flags',
    'retaliation_acknowledged_in_time',
    'retaliation_resolved',
    'retaliation_median_days_to_resolve',
  ];
  const quote = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  const lines = rows.map((r) =>
    [
      unitNames.get(r.unitId) ?? r.unitId,
      r.quarter,
      r.received,
      r.acknowledgedInTime,
      ...CASE_OUTCOMES.map((o) => r.closed[o]),
      r.retaliationFlags,
      r.retaliationAcknowledgedInTime,
      r.retaliationResolved,
      r.retaliationMedianDaysToResolve ?? '',
    ]
      .map(quote)
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n');
}

/** Every unit's figures, for administrators. */
export async function adminStats(ctx: Ctx): Promise<AdminStats> {
  return { smallCellThreshold: SMALL_CELL, figures: await figures(ctx) };
}

/** Every unit's figures as a CSV file; each download is written to the audit trail first. */
export async function statsCsv(ctx: Ctx, actor: Pick<Actor, 'id' | 'unitId'>): Promise<string> {
  const rows = await figures(ctx);
  await withAudit(ctx, {
    actorId: actor.id,
    action: 'stats.export',
    unitId: actor.unitId,
    detail: { rows: rows.length },
  });
  const names = new Map(
    (await ctx.db.select({ id: units.id, name: units.name }).from(units)).map((u) => [
      u.id,
      u.name,
    ]),
  );
  return toCsv(rows, names);
}

/**
 * What everyone may see: the ended quarters of the units that publish their figures, and
 * yesterday's head of the audit log, a witness anyone can copy (audit/checkpoints.ts).
 */
export async function publicStats(ctx: Ctx): Promise<PublicStats> {
  const published = await ctx.db
    .select({ id: units.id, name: units.name, nameZh: units.nameZh })
    .from(units)
    .where(eq(units.publishStats, true));
  const { current, nextPublication } = publication(toDay(ctx.now()));
  const rows = await figures(
    ctx,
    published.map((u) => u.id),
    { before: current },
  );
  return {
    smallCellThreshold: SMALL_CELL,
    units: published,
    figures: rows,
    nextPublication,
    auditHead: await dailyHead(ctx),
  };
}
