// The bench's outputs: one row a scenario with its ratio to its baseline, the client-crypto
// figures, and the issue's targets checked against them; printed as tables and kept as JSON.
import type { CryptoFigure } from './crypto-measure';
import type { LoadResult } from './load';
import { type Figure, met } from './measurements/types';
import { median } from './stats';

/**
 * A scenario over all its rounds: requests/s and p50 are the medians of the rounds', p99 the
 * worst round's, the counts are totals; `roundRps` keeps each round's rate, to show the spread.
 */
export interface ScenarioRow extends LoadResult {
  name: string;
  baseline: string | null;
  /** Requests/s as a fraction of the baseline's, when there is one. */
  ratio: number | null;
  /** The bare row it is also compared with, for information only, and that ratio. */
  infoBaseline: string | null;
  infoRatio: number | null;
  /**
   * The baseline's server CPU a request divided by this one's (higher is better, like `ratio`):
   * the same comparison, free of what else the machine was doing.
   */
  cpuRatio: number | null;
  /** Highest server RSS sampled during the scenario (warm-ups included), MB. */
  peakRssMb: number;
  roundRps: number[];
}

export function scenarioRow(
  s: { name: string; baseline: string | null; info?: { baseline: string } },
  rounds: LoadResult[],
  peakRssMb: number,
): ScenarioRow {
  const sum = (pick: (r: LoadResult) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  const firstFailure = rounds.find((r) => r.firstFailure)?.firstFailure;
  const cpu = rounds.flatMap((r) => (r.cpuMsPerRequest === undefined ? [] : [r.cpuMsPerRequest]));
  return {
    name: s.name,
    baseline: s.baseline,
    ratio: null,
    cpuRatio: null,
    infoBaseline: s.info?.baseline ?? null,
    infoRatio: null,
    peakRssMb,
    requests: sum((r) => r.requests),
    ok: sum((r) => r.ok),
    failed: sum((r) => r.failed),
    seconds: Math.round(sum((r) => r.seconds) * 100) / 100,
    rps: Math.round(median(rounds.map((r) => r.rps))),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: Math.max(0, ...rounds.map((r) => r.p99Ms)),
    roundRps: rounds.map((r) => r.rps),
    ...(cpu.length > 0 ? { cpuMsPerRequest: median(cpu) } : {}),
    ...(firstFailure ? { firstFailure } : {}),
  };
}

/** A client-crypto figure, or why it was not measured. */
export type ClientFigure = CryptoFigure | { skipped: string };

export interface Target {
  name: string;
  goal: string;
  value: number | null;
  met: boolean | null;
  /** Shown for information, with no goal (the bare rows, the reporter's wait). */
  info?: boolean;
}

export interface BenchReport {
  mode: 'quick' | 'full';
  date: string;
  machine: { node: string; cpus: number };
  settings: Record<string, number | string>;
  scenarios: ScenarioRow[];
  serverPeakRssMb: { portal: number; baseline: number };
  clientCrypto: { node: ClientFigure; chromium: ClientFigure };
  /** What bench/measurements/ found: page weights, the reporter's wait, and any added there. */
  figures: Figure[];
  targets: Target[];
}

const find = (rows: ScenarioRow[], name: string) => rows.find((r) => r.name === name);

export function withRatios(rows: ScenarioRow[]): ScenarioRow[] {
  const ratio = (r: ScenarioRow, name: string | null) => {
    const base = name ? find(rows, name) : undefined;
    return base?.rps ? Math.round((r.rps / base.rps) * 100) / 100 : null;
  };
  const cpuRatio = (r: ScenarioRow, name: string | null) => {
    const base = name ? find(rows, name) : undefined;
    return base?.cpuMsPerRequest && r.cpuMsPerRequest
      ? Math.round((base.cpuMsPerRequest / r.cpuMsPerRequest) * 100) / 100
      : null;
  };
  return rows.map((r) => ({
    ...r,
    ratio: ratio(r, r.baseline),
    cpuRatio: cpuRatio(r, r.baseline),
    infoRatio: ratio(r, r.infoBaseline),
  }));
}

export function checkTargets(r: Omit<BenchReport, 'targets'>): Target[] {
  const at = (name: string) => find(r.scenarios, name);
  const atLeast = (name: string, goal: string, value: number | null | undefined, min: number) => ({
    name,
    goal,
    value: value ?? null,
    met: value == null ? null : value >= min,
  });
  const below = (name: string, goal: string, value: number | undefined, max: number) => ({
    name,
    goal,
    value: value ?? null,
    met: value === undefined ? null : value < max,
  });
  const ratio = (f: ClientFigure) => ('ratio' in f ? f.ratio : null);
  const info = (name: string, value: number | null | undefined): Target => ({
    name,
    goal: 'information',
    value: value ?? null,
    met: null,
    info: true,
  });
  const fromFigure = (f: Figure): Target => ({
    name: `${f.name}${f.unit ? ` (${f.unit})` : ''}`,
    goal: f.goal ? `${f.goal.op} ${f.goal.limit}` : 'information',
    value: f.value,
    met: met(f),
    ...(f.goal ? {} : { info: true }),
  });
  return [
    atLeast(
      'ingest / same durable writes on bare Hono + libSQL',
      '>= 0.8',
      at('ingest')?.ratio,
      0.8,
    ),
    atLeast('lookup / same reads on bare Hono + libSQL', '>= 0.8', at('lookup')?.ratio, 0.8),
    below('inbox first page p99 (ms)', '< 20', at('inbox-first')?.p99Ms, 20),
    below('inbox deep page p99 (ms)', '< 20', at('inbox-deep')?.p99Ms, 20),
    below('portal server peak RSS (MB)', '< 250', r.serverPeakRssMb.portal, 250),
    atLeast('client crypto / bare openpgp, Node', '>= 0.8', ratio(r.clientCrypto.node), 0.8),
    atLeast(
      'client crypto / bare openpgp, Chromium',
      '>= 0.8',
      ratio(r.clientCrypto.chromium),
      0.8,
    ),
    ...r.figures.map(fromFigure),
    info('ingest / its yardstick, by server CPU a request', at('ingest')?.cpuRatio),
    info('lookup / its yardstick, by server CPU a request', at('lookup')?.cpuRatio),
    info('ingest / bare one-row insert', at('ingest')?.infoRatio),
    info('lookup / bare one-row select', at('lookup')?.infoRatio),
  ];
}

/** The README's one table: every target with its goal and this run's figure. */
export function readmeTable(r: BenchReport): string {
  const rows = r.targets.map((t) => [
    t.name,
    t.info ? '—' : t.goal,
    fmt(t.value),
    t.met == null ? (t.info ? 'info' : 'not measured') : t.met ? 'met' : '**missed**',
  ]);
  const head = `| measure | goal | ${r.date.slice(0, 10)} | |`;
  return [head, '| --- | --- | --- | --- |', ...rows.map((c) => `| ${c.join(' | ')} |`)].join('\n');
}

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(head), rule, ...cells.slice(1).map(line)].join('\n');
}

const fmt = (x: number | null | undefined) => (x == null ? '—' : String(x));

export function formatReport(r: BenchReport): string {
  const load = table(
    [
      'scenario',
      'req/s',
      'by round',
      'p50 ms',
      'p99 ms',
      'peak RSS MB',
      'CPU ms/req',
      'requests',
      'failed',
      'vs yardstick',
      'vs bare (info)',
    ],
    r.scenarios.map((s) => [
      s.name,
      s.rps,
      s.roundRps.join(' / '),
      s.p50Ms,
      s.p99Ms,
      s.peakRssMb,
      fmt(s.cpuMsPerRequest),
      s.requests,
      s.failed,
      s.ratio == null
        ? '—'
        : `${s.ratio} × ${s.baseline}${s.cpuRatio == null ? '' : ` (CPU ${s.cpuRatio})`}`,
      s.infoRatio == null ? '—' : `${s.infoRatio} × ${s.infoBaseline}`,
    ]),
  );
  const measured = table(
    ['measurement', 'value', 'unit', 'note'],
    r.figures.map((f) => [f.name, fmt(f.value), f.unit, f.note ?? '']),
  );
  const crypto = (f: ClientFigure) =>
    'skipped' in f
      ? ['—', '—', '—', `skipped: ${f.skipped}`]
      : [f.mb, f.portalMBps, f.bareMBps, f.ratio];
  const client = table(
    ['client crypto', 'MB a round', 'portal MB/s', 'bare openpgp MB/s', 'ratio'],
    [
      ['Node', ...crypto(r.clientCrypto.node)],
      ['Chromium', ...crypto(r.clientCrypto.chromium)],
    ],
  );
  const targets = table(
    ['target', 'goal', 'measured', 'met'],
    r.targets.map((t) => [
      t.name,
      t.goal,
      fmt(t.value),
      t.met == null ? 'n/a' : t.met ? 'yes' : 'NO',
    ]),
  );
  const peaks = `Server peak RSS (VmHWM) over the run: portal ${r.serverPeakRssMb.portal} MB, baseline ${r.serverPeakRssMb.baseline} MB.`;
  return [load, '', client, '', measured, '', targets, '', peaks].join('\n');
}
