// `portal jobs run`: one run of the scheduler, for system cron (e.g. every minute). Safe beside a
// running server: each job's slot is claimed once, whoever gets there first.
import { JOBS } from '../jobs/list';
import { runJobs } from '../jobs/scheduler';
import { mailerFor } from '../notify/node-mailer';
import { compactDatabase } from '../storage/at-rest';
import { type Command, DB_HELP, DB_OPTION, optionalString, print, withCtx } from './io';

const run: Command = {
  usage: 'jobs run [--db FILE]',
  summary: 'run the periodic jobs that are due (notices, retention, housekeeping, compaction)',
  details: [DB_HELP, 'Exit code 1 when a job failed (it is retried on the next run).'],
  options: { ...DB_OPTION },
  async run({ values }, io) {
    return withCtx(io, optionalString(values, 'db'), async (ctx) => {
      const local =
        ctx.config.databaseUrl.startsWith('file:') || Boolean(optionalString(values, 'db'));
      const report = await runJobs(
        {
          ctx,
          mailer: mailerFor(ctx.config),
          log: (line) => print(io.stdout, line),
          ...(local ? { compact: () => compactDatabase(ctx.db) } : {}),
        },
        JOBS,
      );
      print(
        io.stdout,
        `jobs: ran ${report.ran.join(', ') || 'none'}; already done ${report.skipped.join(', ') || 'none'}${report.waiting.length ? `; later today ${report.waiting.join(', ')}` : ''}${report.failed.length ? `; FAILED ${report.failed.join(', ')}` : ''}`,
      );
      return report.failed.length ? 1 : 0;
    });
  },
};

export const jobCommands: Record<string, Command> = { run };
