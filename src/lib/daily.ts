// Runs a task once a day, just after 00:00 UTC: for work whose own timing must say the day and
// nothing finer (a log line, a compaction of the database).

const DAY_MS = 86_400_000;

export interface DailyOptions {
  /** How long after midnight to run. */
  afterMs?: number;
  /** When the task fails: report it, and try again this much later (else at the next midnight). */
  onError?: (err: unknown) => void;
  retryMs?: number;
  /** The clock, in milliseconds; tests pass their own. */
  now?: () => number;
}

/** Starts the schedule; returns a function that stops it. Timers never keep the process alive. */
export function runDaily(task: () => unknown, options: DailyOptions = {}): () => void {
  const now = options.now ?? Date.now;
  const afterMs = options.afterMs ?? 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number) => {
    timer = setTimeout(run, delay);
    (timer as { unref?: () => void }).unref?.();
  };
  const nextMidnight = () => DAY_MS - (now() % DAY_MS) + afterMs;
  const run = () => {
    Promise.resolve()
      .then(task)
      .then(
        () => arm(nextMidnight()),
        (err: unknown) => {
          options.onError?.(err);
          arm(options.retryMs ?? nextMidnight());
        },
      );
  };
  arm(nextMidnight());
  return () => clearTimeout(timer);
}
