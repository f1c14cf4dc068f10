// The one scheduler: every periodic job, run in process on Node, by `portal jobs run` from system
// cron, or by a Cloudflare Cron Trigger. A job runs at most once per slot (a day, an hour, a
// minute): the slot is claimed by inserting a row whose key is (job, slot), so a second run, or
// a second instance running at the same time, finds the claim and leaves the slot alone.
import { and, eq, lt } from 'drizzle-orm';
import { jobRuns } from '../../db/schema';
import type { Ctx } from '../context';
import { addDays, toDay } from '../lib/days';
import type { Mailer } from '../notify/mailer';

export interface JobEnv {
  ctx: Ctx;
  /** Where notices go; without one, notices wait in the outbox. */
  mailer: Mailer | undefined;
  log: (line: string) => void;
  /** Node's local database file only: rewrite it in key order and empty the log. */
  compact?: () => Promise<void>;
}

export type Every = 'day' | 'hour' | 'minute';

export interface Job {
  name: string;
  every: Every;
  /**
   * Minutes into its slot before the job may run (a daily job at 00:05 UTC: `5`). Until then a
   * run leaves the slot unclaimed, so the first run after that minute takes it.
   */
  fromMinute?: number;
  /** A line for the log when there is something to say (a string); anything else says nothing. */
  run(env: JobEnv): Promise<unknown>;
}

/** The slot a time falls in: `2026-12-02`, `2026-12-02T07`, `2026-12-02T07:05`. */
export function slotOf(every: Every, now: Date): string {
  const iso = now.toISOString();
  return every === 'day'
    ? iso.slice(0, 10)
    : every === 'hour'
      ? iso.slice(0, 13)
      : iso.slice(0, 16);
}

async function claim(ctx: Ctx, name: string, slot: string): Promise<boolean> {
  const rows = await ctx.db
    .insert(jobRuns)
    .values({ name, slot })
    .onConflictDoNothing()
    .returning({ name: jobRuns.name });
  return rows.length > 0;
}

export interface RunReport {
  ran: string[];
  skipped: string[];
  /** Jobs whose slot has begun but whose minute (`fromMinute`) has not come yet. */
  waiting: string[];
  failed: string[];
}

/** Minutes since the start of the slot `now` falls in (0 for minute slots). */
function minutesInto(every: Every, now: Date): number {
  if (every === 'minute') return 0;
  const minute = now.getUTCMinutes();
  return every === 'hour' ? minute : now.getUTCHours() * 60 + minute;
}

/**
 * Runs every job whose current slot is unclaimed, in the list's order. A failed job gives its
 * claim back, so the next run tries again; the others still run.
 */
export async function runJobs(env: JobEnv, jobs: readonly Job[]): Promise<RunReport> {
  const report: RunReport = { ran: [], skipped: [], waiting: [], failed: [] };
  for (const job of jobs) {
    const now = env.ctx.now();
    if (minutesInto(job.every, now) < (job.fromMinute ?? 0)) {
      report.waiting.push(job.name);
      continue;
    }
    const slot = slotOf(job.every, now);
    if (!(await claim(env.ctx, job.name, slot))) {
      report.skipped.push(job.name);
      continue;
    }
    try {
      const said = await job.run(env);
      if (typeof said === 'string' && said) env.log(`${job.name}: ${said}`);
      report.ran.push(job.name);
    } catch (err) {
      report.failed.push(job.name);
      env.log(`${job.name} failed, to be retried: ${(err as Error).message}`);
      await env.ctx.db
        .delete(jobRuns)
        .where(and(eq(jobRuns.name, job.name), eq(jobRuns.slot, slot)));
    }
  }
  // Claims older than a week can no longer collide with anything.
  await env.ctx.db.delete(jobRuns).where(lt(jobRuns.slot, addDays(toDay(env.ctx.now()), -7)));
  return report;
}

/**
 * In process on Node: a run now and every `everyMs` after (a minute by default), never two at
 * once, never keeping the process alive. Returns a function that stops it.
 */
export function startScheduler(env: JobEnv, jobs: readonly Job[], everyMs = 60_000): () => void {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running
      .then(() => (stopped ? undefined : runJobs(env, jobs)))
      .catch((err: unknown) => env.log(`scheduler: ${(err as Error).message}`));
  };
  const timer = setInterval(tick, everyMs);
  (timer as { unref?: () => void }).unref?.();
  tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
