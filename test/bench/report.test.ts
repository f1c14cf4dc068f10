// How the bench folds a scenario's rounds into one row, and its ratio to the baseline.
import { describe, expect, it } from 'vitest';
import { met } from '../../bench/measurements/types';
import {
  type BenchReport,
  checkTargets,
  readmeTable,
  scenarioRow,
  withRatios,
} from '../../bench/report';
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

  it("divides the baseline's server CPU a request by the scenario's, from each one's median", () => {
    const cpu = (rps: number, ms: number) => ({ ...round(rps, 1, 2), cpuMsPerRequest: ms });
    const rows = withRatios([
      scenarioRow(
        { name: 'ingest', baseline: 'baseline-ingest' },
        [cpu(200, 4), cpu(250, 3.2), cpu(100, 5)],
        1,
      ),
      scenarioRow({ name: 'baseline-ingest', baseline: null }, [cpu(400, 2.4)], 1),
      scenarioRow({ name: 'baseline-insert', baseline: null }, [round(400, 1, 2)], 1),
    ]);
    expect(rows[0]).toMatchObject({ cpuMsPerRequest: 4, cpuRatio: 0.6, ratio: 0.5 });
    expect(rows[1]?.cpuRatio).toBeNull();
    // A round without the figure (a server already gone) gives none, not a zero.
    expect(rows[2]?.cpuMsPerRequest).toBeUndefined();
  });
});

describe('the yardsticks and the bare rows', () => {
  const rows = withRatios([
    scenarioRow(
      { name: 'ingest', baseline: 'baseline-ingest', info: { baseline: 'baseline-insert' } },
      [round(90, 1, 2)],
      1,
    ),
    scenarioRow({ name: 'baseline-ingest', baseline: null }, [round(100, 1, 2)], 1),
    scenarioRow({ name: 'baseline-insert', baseline: null }, [round(300, 1, 2)], 1),
  ]);
  const report: Omit<BenchReport, 'targets'> = {
    mode: 'quick',
    date: '2026-12-02T13:00:00.000Z',
    machine: { node: 'v20', cpus: 2 },
    settings: {},
    scenarios: rows,
    serverPeakRssMb: { portal: 100, baseline: 90 },
    clientCrypto: { node: { skipped: 'x' }, chromium: { skipped: 'x' } },
    figures: [
      {
        name: 'report.html, all it loads (brotli)',
        value: 210,
        unit: 'KB',
        goal: { op: '<=', limit: 200 },
      },
      { name: 'submit click to receipt', value: 3.5, unit: 's' },
    ],
  };
  const targets = checkTargets(report);
  const target = (name: string) => targets.find((t) => t.name.startsWith(name));

  it('holds the goal to the same-work yardstick and shows the bare row for information', () => {
    expect(rows[0]).toMatchObject({ ratio: 0.9, infoRatio: 0.3 });
    expect(target('ingest / same durable writes')).toMatchObject({ value: 0.9, met: true });
    expect(target('ingest / bare one-row insert')).toMatchObject({
      value: 0.3,
      met: null,
      info: true,
    });
  });

  it('checks a measurement against its goal, and keeps one without a goal as information', () => {
    expect(target('report.html')).toMatchObject({ goal: '<= 200', value: 210, met: false });
    expect(target('submit click')).toMatchObject({ met: null, info: true });
    expect(met({ name: 'x', value: 200, unit: 'KB', goal: { op: '<=', limit: 200 } })).toBe(true);
    expect(met({ name: 'x', value: null, unit: 'KB', goal: { op: '<=', limit: 200 } })).toBeNull();
  });

  it('gives the README one table with every goal and this run', () => {
    const table = readmeTable({ ...report, targets });
    expect(table.split('\n')[0]).toBe('| measure | goal | 2026-12-02 | |');
    expect(table).toContain(
      '| report.html, all it loads (brotli) (KB) | <= 200 | 210 | **missed** |',
    );
    expect(table).toContain(
      '| ingest / same durable writes on bare Hono + libSQL | >= 0.8 | 0.9 | met |',
    );
    expect(table).toContain(
      '| lookup / same reads on bare Hono + libSQL | >= 0.8 | — | not measured |',
    );
    expect(table).toContain('| ingest / bare one-row insert | — | 0.3 | info |');
  });
});
