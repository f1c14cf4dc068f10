// Arrivals in the audit log: a submission writes no entry; the scheduler logs each arrival of a
// day that has ended at 00:05 UTC (a sign-in after that minute does too), as its id, unit, copy and
// day, in id order, with every entry dated by the day (00:00 UTC), never the second. Reconciling
// then tells a case waiting for its sweep from one that was added by hand.
// scenario: node and workerd
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, reports } from '../../db/schema';
import { ARRIVALS_PER_BATCH } from '../../src/audit/arrivals';
import { emptyState, reconcile, replay } from '../../src/audit/reconcile';
import { readLog } from '../../src/audit/service';
import { signIn } from '../../src/client/supervisor';
import { JOBS } from '../../src/jobs/list';
import { runJobs } from '../../src/jobs/scheduler';
import { toDay } from '../../src/lib/days';
import { demoKey, type Harness, makeHarness, reportTo, withCookies } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(() => h.close());

const entries = () => h.ctx.db.select().from(auditLog).orderBy(asc(auditLog.seq));
const arrived = async () =>
  (await entries()).filter((e) => e.action === 'case.arrive').map((e) => e.reportId);

/** Moves the portal's clock to `minutes` past 00:00 UTC of the next day (real time runs on). */
function toNextDay(minutes: number) {
  const now = h.ctx.now().getTime();
  h.advance((Math.floor(now / 86_400_000) + 1) * 86_400_000 + minutes * 60_000 - now);
}

const jobs = () => runJobs({ ctx: h.ctx, mailer: undefined, log: () => undefined }, JOBS);

/** What `audit verify` reconciles, at the portal's clock: waiting rows and disagreements. */
async function reconciled() {
  const log = emptyState();
  for await (const e of readLog(h.ctx)) replay(log, e);
  const found = await reconcile(h.ctx, log);
  return {
    waiting: found.filter((d) => d.waiting).map((d) => d.row),
    problems: found.filter((d) => !d.waiting).map((d) => `${d.row}: ${d.problem}`),
  };
}

/** A case row added straight into the database, dated `day`, copied from a real one. */
async function slipIn(id: string, day: string) {
  await h.ctx.db.run(
    sql`insert into reports (id, unit_id, lookup_hash, reporter_public_key, reporter_locked_key, received_day, acknowledge_by, feedback_by, sort_key)
        select ${id}, unit_id, ${`forged-${id}`}, reporter_public_key, reporter_locked_key, ${day}, acknowledge_by, feedback_by, ${`9|${id}`} from reports limit 1`,
  );
}

describe('arrivals in the audit log', () => {
  it('are not written by a submission, and are swept in at the next day’s first sign-in', async () => {
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const before = (await entries()).length;
    await reportTo(h, 'basic', 'First report.');
    await reportTo(h, 'basic', 'Second report.');
    expect((await entries()).length).toBe(before);
    const day = toDay(h.ctx.now());

    toNextDay(12 * 60);
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const all = await entries();
    const arrivals = all.filter((e) => e.action === 'case.arrive');
    expect(arrivals).toHaveLength(2);
    const ids = arrivals.map((e) => e.reportId!);
    expect(ids).toEqual([...ids].sort());
    for (const e of arrivals) {
      expect(e.actorId).toBeNull();
      expect(JSON.parse(e.detail)).toEqual({ day, copiedUnitId: null });
    }
    const sweep = all.filter((e) => e.action === 'case.arrivals').at(-1);
    expect(JSON.parse(sweep!.detail)).toEqual({ through: day, count: 2 });
    // Every entry's time is the start of its day.
    expect(all.filter((e) => e.at % 86_400 !== 0)).toEqual([]);

    // A second sign-in the same day logs nothing again.
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    expect((await entries()).filter((e) => e.action === 'case.arrive')).toHaveLength(2);
  });

  it('are logged by the scheduler at 00:05 UTC with nobody signing in; until then the case is waiting', async () => {
    await reportTo(h, 'basic', 'A report nobody will sign in after.');
    const [fresh] = await h.ctx.db
      .select({ id: reports.id })
      .from(reports)
      .where(
        sql`${reports.id} not in (select report_id from audit_log where report_id is not null)`,
      );
    expect(fresh).toBeDefined();
    const row = `reports/${fresh!.id}`;
    // Its own day: waiting for its entry, said so, and no disagreement.
    expect(await reconciled()).toEqual({ waiting: [row], problems: [] });

    // 00:02 the next day: the sweep's minute has not come, so the job waits and takes no claim.
    toNextDay(2);
    const early = await jobs();
    expect(early.waiting).toContain('arrivals');
    expect(early.ran).not.toContain('arrivals');
    expect(await arrived()).not.toContain(fresh!.id);
    expect((await reconciled()).waiting).toEqual([row]);

    // 00:06: the sweep is due. Before it runs, the case is named; once it has, it is logged.
    h.advance(4 * 60_000);
    expect((await reconciled()).problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${row}: no arrival in the log \\(received \\d{4}-\\d\\d-\\d\\d, a day whose sweep was due`,
        ),
      ),
    ]);
    const due = await jobs();
    expect(due.ran).toContain('arrivals');
    expect(await arrived()).toContain(fresh!.id);
    expect(await reconciled()).toEqual({ waiting: [], problems: [] });
    expect((await jobs()).skipped).toContain('arrivals');
  });

  it('name a case slipped into a day already swept, and the next sweeps do not log it for it', async () => {
    const swept = toDay(new Date(h.ctx.now().getTime() - 86_400_000));
    await slipIn('slippedIntoSweptDay000', swept);
    const named = (through: string) =>
      `reports/slippedIntoSweptDay000: no arrival in the log (received ${swept}; every arrival through ${through} is logged)`;
    expect((await reconciled()).problems).toEqual([named(swept)]);
    toNextDay(6);
    expect((await jobs()).ran).toContain('arrivals');
    expect(await arrived()).not.toContain('slippedIntoSweptDay000');
    expect((await reconciled()).problems).toEqual([
      named(toDay(new Date(h.ctx.now().getTime() - 86_400_000))),
    ]);
  });

  it('of a long backlog go in batches: a sign-in logs a few, the scheduler the rest, in order', async () => {
    // As after an upgrade: many cases, over several days after the last sweep, none logged.
    const backlog = 5 * ARRIVALS_PER_BATCH + 17;
    const days = [0, 1, 2].map((k) => toDay(new Date(h.ctx.now().getTime() + k * 86_400_000)));
    await h.ctx.db.run(
      sql`with recursive n(k) as (select 0 union all select k + 1 from n where k + 1 < ${backlog})
          insert into reports (id, unit_id, lookup_hash, reporter_public_key, reporter_locked_key, received_day, acknowledge_by, feedback_by, sort_key)
          select printf('backlog%015d', k), (select unit_id from reports limit 1), printf('backlog-%d', k),
                 (select reporter_public_key from reports limit 1), (select reporter_locked_key from reports limit 1),
                 case k % 3 when 0 then ${days[2]} when 1 then ${days[0]} else ${days[1]} end,
                 (select acknowledge_by from reports limit 1), (select feedback_by from reports limit 1),
                 printf('8|%d', k)
          from n`,
    );
    const closings = async () =>
      (await entries())
        .filter((e) => e.action === 'case.arrivals')
        .map((e) => JSON.parse(e.detail));
    const closedBefore = (await closings()).length;
    const isBacklog = (id: string | null) => id?.startsWith('backlog') ?? false;

    toNextDay(0);
    toNextDay(0);
    toNextDay(12 * 60);
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    // The sign-in logged four batches, and left the rest and the sweep's closing entry.
    expect((await arrived()).filter(isBacklog)).toHaveLength(4 * ARRIVALS_PER_BATCH);
    expect(await closings()).toHaveLength(closedBefore);

    expect((await jobs()).ran).toContain('arrivals');
    const logged = (await arrived()).filter(isBacklog) as string[];
    expect(logged).toHaveLength(backlog);
    // One order across the batches and runs: by day, then by id.
    const dayOf = (id: string) => days[[2, 0, 1][Number(id.slice(7)) % 3]!]!;
    const order = [...logged].sort((a, b) =>
      dayOf(a) === dayOf(b) ? (a < b ? -1 : 1) : dayOf(a) < dayOf(b) ? -1 : 1,
    );
    expect(logged).toEqual(order);
    // The closing entry counts the swept days' cases, those the sign-in logged included.
    const closed = (await closings()).slice(closedBefore);
    expect(closed).toEqual([{ through: days[2], count: backlog }]);
    // Nothing of the backlog is named (the case slipped in by hand above still is).
    const found = await reconciled();
    expect(found.waiting).toEqual([]);
    expect(found.problems.filter((p) => p.includes('backlog'))).toEqual([]);
  });
});
