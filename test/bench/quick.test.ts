// Runs `npm run bench -- --quick` end to end, so the benchmark command cannot rot: every scenario
// must be measured with positive figures. No timing is asserted; the machine may be busy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PORTAL_NODE_FLAGS } from '../../bench/child';
import type { BenchReport } from '../../bench/report';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bench-quick-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('measures every scenario and writes the JSON report', () => {
    const out = join(dir, 'quick.json');
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick', '--out', out],
      { cwd: root, encoding: 'utf8', timeout: 280_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    expect(report.mode).toBe('quick');
    const names = report.scenarios.map((s) => s.name).sort();
    expect(names).toEqual(
      [
        'baseline-ingest',
        'baseline-lookup',
        'baseline-insert',
        'baseline-select',
        'inbox-deep',
        'inbox-first',
        'ingest',
        'lookup',
      ].sort(),
    );
    for (const s of report.scenarios) {
      expect(s.rps, s.name).toBeGreaterThan(0);
      expect(s.p50Ms, s.name).toBeGreaterThanOrEqual(0);
      expect(s.p99Ms, s.name).toBeGreaterThan(0);
      expect(s.peakRssMb, s.name).toBeGreaterThan(0);
      expect(s.failed, `${s.name}: ${s.firstFailure ?? ''}`).toBe(0);
      // --quick measures one round a scenario; the full run, three.
      expect(s.roundRps, s.name).toEqual([s.rps]);
      if (s.baseline) expect(s.ratio, s.name).toBeGreaterThan(0);
    }
    expect(report.serverPeakRssMb.portal).toBeGreaterThan(0);
    const node = report.clientCrypto.node;
    expect('skipped' in node ? node.skipped : '').toBe('');
    if (!('skipped' in node)) {
      expect(node.portalMBps).toBeGreaterThan(0);
      expect(node.bareMBps).toBeGreaterThan(0);
    }
    const chromium = report.clientCrypto.chromium;
    if ('skipped' in chromium) expect(chromium.skipped).toMatch(/chromium/);
    else expect(chromium.portalMBps).toBeGreaterThan(0);
    // The yardsticks the goals use, and the bare rows beside them for information.
    const byName = new Map(report.scenarios.map((s) => [s.name, s]));
    expect(byName.get('ingest')).toMatchObject({
      baseline: 'baseline-ingest',
      infoBaseline: 'baseline-insert',
    });
    expect(byName.get('lookup')).toMatchObject({
      baseline: 'baseline-lookup',
      infoBaseline: 'baseline-select',
    });
    // Every page weighed; the reporter's wait measured in Chromium (or said why not).
    const weights = report.figures.filter((f) => f.name.includes('.html'));
    expect(weights.map((f) => f.name.split(',')[0]).sort()).toEqual([
      'enrol.html',
      'follow-up.html',
      'index.html',
      'report.html',
      'stats.html',
      'supervisor.html',
    ]);
    for (const f of weights) expect(f.value, f.name).toBeGreaterThan(0);
    const wait = report.figures.find((f) => f.name.startsWith('submit click to receipt'));
    expect(wait, JSON.stringify(report.figures)).toBeDefined();
    if (wait?.value == null) expect(wait?.note).toMatch(/chromium/);
    else expect(wait.value).toBeGreaterThan(0);
    // The large-file scenarios in Chromium: the page's rate, its ratio to bare streaming, the
    // tab's heap, the server's RSS and a resumed upload (or said why not).
    const large = report.figures.filter((f) => /^(large file|resumed upload)/.test(f.name));
    expect(large.length, JSON.stringify(report.figures)).toBeGreaterThan(0);
    for (const f of large) {
      if (f.value == null) expect(f.note, f.name).toMatch(/chromium/i);
      else expect(f.value, f.name).toBeGreaterThan(0);
    }
    expect(report.targets.length).toBeGreaterThan(0);
    // The README's table, written beside the JSON.
    const table = readFileSync(out.replace(/\.json$/, '.md'), 'utf8');
    expect(table).toContain('| ingest / same durable writes on bare Hono + libSQL | >= 0.8 |');
  }, 300_000);
});

describe('the bench server', () => {
  it('runs the portal with the Node flags `npm start` uses', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    const node = pkg.scripts.start.split('&&').find((part) => part.trim().startsWith('node '));
    expect(node, pkg.scripts.start).toBeDefined();
    const args = node!.trim().split(/\s+/);
    // Everything between `node` and the loader: the flags the bench must run the portal with.
    expect(args.slice(1, args.indexOf('--import'))).toEqual(PORTAL_NODE_FLAGS);
  });
});
