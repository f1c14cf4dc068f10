// The request log. A line a request, with the time a log collector adds, would date every
// reporter's visit and submission to the second; so only the staff side (supervisors,
// administrators, auditors) is logged line by line, and everything else is counted per UTC day.
import { runDaily } from '../lib/daily';

/** Paths of the staff side, whose requests are logged one line each. */
const STAFF_PREFIXES = [
  '/api/auth',
  '/api/supervisors',
  '/api/cases',
  '/api/retaliation',
  '/api/stats',
  '/api/audit',
  '/api/admin',
];

export const isStaffPath = (path: string): boolean =>
  STAFF_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * Counts of public-side requests (reporters' pages, submissions, look-ups, public figures) by
 * method, route pattern and status, read out once a day.
 */
export class RequestTally {
  private counts = new Map<string, number>();

  add(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** One line with the counts so far, which are then reset; null when there were none. */
  drain(label: string): string | null {
    if (this.counts.size === 0) return null;
    const parts = [...this.counts].sort(([a], [b]) => a.localeCompare(b));
    this.counts = new Map();
    return `public requests ${label}: ${parts.map(([k, n]) => `${k} ×${n}`).join(', ')}`;
  }
}

/**
 * Writes the tally to `log` at each 00:00 UTC, labelled with the day that ended: the line's own
 * time then says nothing finer than that day. Returns a function that stops it.
 */
export function logTallyDaily(
  tally: RequestTally,
  log: (line: string) => void,
  now: () => number = Date.now,
): () => void {
  return runDaily(
    () => {
      const ended = new Date(now() - 43_200_000).toISOString().slice(0, 10);
      const line = tally.drain(`on ${ended}`);
      if (line) log(line);
    },
    { now },
  );
}
