// How the bench folds a scenario's rounds into one row, and its ratio to the baseline.
import { describe, expect, it } from 'vitest';
import { scenarioRow, withRatios } from '../../bench/report';
import { median } from '../../bench/stats';

const round = (rps: number, p50Ms: number, p99Ms: number, failed = 0) => ({
  requests: rps * 5 + failed,
  ok: rps * 5,
  failed,
  seconds: 5,
  rps,
  p50Ms,
  p99Ms,
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBe(0);
  });
});

describe('scenarioRow', () => {
  it('reports the median rate and p50, the worst p99 and the totals', () => {
    const row = scenarioRow(
      { name: 'lookup', baseline: 'baseline-select' },
      [round(4000, 2, 6), round(3000, 3, 19), round(5000, 1, 5, 2)],
      180.5,
    );
    expect(row).toMatchObject({
      rps: 4000,
      p50Ms: 2,
      p99Ms: 19,
      requests: 60_002,
      ok: 60_000,
      failed: 2,
      seconds: 15,
      roundRps: [4000, 3000, 5000],
      peakRssMb: 180.5,
    });
  });

  it('keeps the first failure seen in any round', () => {
    const failing = { ...round(10, 1, 2, 1), firstFailure: '503 busy' };
    const row = scenarioRow(
      { name: 'ingest', baseline: 'baseline-insert' },
      [round(10, 1, 2), failing],
      1,
    );
    expect(row.firstFailure).toBe('503 busy');
  });

  it('divides the median rates for the ratio', () => {
    const rows = withRatios([
      scenarioRow({ name: 'lookup', baseline: 'baseline-select' }, [round(300, 1, 2)], 1),
      scenarioRow({ name: 'baseline-select', baseline: null }, [round(400, 1, 2)], 1),
    ]);
    expect(rows.map((r) => r.ratio)).toEqual([0.75, null]);
  });
});
