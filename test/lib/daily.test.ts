// Work done once a day just after 00:00 UTC: the day's request counts and the compaction. Fake
// timers, so nothing here depends on the real clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logTallyDaily, RequestTally } from '../../src/http/request-log';
import { runDaily } from '../../src/lib/daily';

const HOUR = 3_600_000;
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-02T10:17:42Z'));
});
afterEach(() => vi.useRealTimers());

describe('runDaily', () => {
  it('runs at each 00:00 UTC plus the offset, not before', async () => {
    const ran: string[] = [];
    const stop = runDaily(() => ran.push(new Date().toISOString()), { afterMs: 60_000 });
    await vi.advanceTimersByTimeAsync(13 * HOUR);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(ran).toEqual(['2026-12-03T00:01:00.000Z', '2026-12-04T00:01:00.000Z']);
    stop();
  });

  it('reports a failure and tries again after the retry delay', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const stop = runDaily(
      () => {
        calls++;
        if (calls === 1) throw new Error('busy');
      },
      { retryMs: HOUR, onError: (e) => errors.push(e) },
    );
    await vi.advanceTimersByTimeAsync(14 * HOUR + HOUR);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    stop();
  });
});

describe('the daily request count', () => {
  it('logs one line at midnight, labelled with the day that ended, and then starts afresh', async () => {
    const tally = new RequestTally();
    const lines: string[] = [];
    const stop = logTallyDaily(tally, (l) => lines.push(l));
    tally.add('POST', '/api/reports', 201);
    tally.add('POST', '/api/reports', 201);
    tally.add('GET', '/api/receipt', 200);
    await vi.advanceTimersByTimeAsync(14 * HOUR);
    expect(lines).toEqual([
      'public requests on 2026-12-02: GET /api/receipt 200 ×1, POST /api/reports 201 ×2',
    ]);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(lines).toHaveLength(1);
    stop();
  });
});
