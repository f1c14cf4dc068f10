// Every periodic job, in the order a run takes them. To add one, append it here: it then runs on
// Node, from `portal jobs run` and from the Workers Cron Trigger alike. A job must be safe to run
// twice (the scheduler claims each slot once, but a failed run is retried).
import { logArrivals, SWEEP_MINUTE } from '../audit/arrivals';
import { forgetExpired } from '../lib/housekeeping';
import { queueDigests, queueReminders, sendDue } from '../notify/service';
import { deleteExpiredCases } from '../retention/service';
import type { Job } from './scheduler';

export const JOBS: Job[] = [
  {
    // Yesterday's arrivals into the audit log at a fixed time, whoever signs in or not: the window
    // in which a case is out of the log is its own day (audit/arrivals.ts).
    name: 'arrivals',
    every: 'day',
    fromMinute: SWEEP_MINUTE,
    async run({ ctx }) {
      const n = await logArrivals(ctx);
      return n ? `${n} arrivals logged` : undefined;
    },
  },
  {
    name: 'housekeeping',
    every: 'hour',
    run: ({ ctx }) => forgetExpired(ctx),
  },
  {
    name: 'retention',
    every: 'day',
    async run({ ctx }) {
      const n = await deleteExpiredCases(ctx);
      return n ? `${n} closed cases deleted at the end of their retention period` : undefined;
    },
  },
  {
    // After the deletions, so their free pages and log frames are gone the same day.
    name: 'compaction',
    every: 'day',
    run: async ({ compact }) => compact?.(),
  },
  {
    name: 'notice-digest',
    every: 'hour',
    run: async ({ ctx }) => void (await queueDigests(ctx)),
  },
  {
    name: 'notice-reminders',
    every: 'hour',
    run: async ({ ctx }) => void (await queueReminders(ctx)),
  },
  {
    name: 'notice-send',
    every: 'minute',
    async run({ ctx, mailer, log }) {
      if (!mailer) return;
      await sendDue(ctx, mailer, log);
    },
  },
];
