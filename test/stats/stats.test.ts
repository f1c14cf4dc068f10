// Published figures: per unit and quarter, with every count under 5 shown as "<5".
import { desc, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { flagRetaliation, openCase, submitReport } from '../../src/client/reporter';
import { signIn } from '../../src/client/supervisor';
import { toDay } from '../../src/lib/days';
import type { UnitQuarter } from '../../src/stats/service';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  // Basic unit: 6 reports, 3 with a retaliation flag. Intermediate: 2 reports.
  for (let i = 0; i < 6; i++) {
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: false,
      report: sampleReport(`r${i}`),
      files: [],
    });
    if (i < 3)
      await flagRetaliation(await openCase(h.fetcher, receipt), {
        kind: 'threats',
        startedOn: '2026-11-01',
        details: 'x',
      });
  }
  for (let i = 0; i < 2; i++) {
    await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'intermediate').id,
      copyToParent: false,
      report: sampleReport(`i${i}`),
      files: [],
    });
  }
});
afterAll(() => h.close());

const day = () => toDay(new Date());
const quarter = () => `${day().slice(0, 4)}-Q${Math.floor((Number(day().slice(5, 7)) + 2) / 3)}`;

describe('statistics', () => {
  it('suppress small cells: 6 reports show as 6, 3 flags and 2 reports as "<5"', async () => {
    const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    const { figures } = (await (await admin.fetcher('/api/stats')).json()) as {
      figures: UnitQuarter[];
    };
    const units = await h.units();
    const basic = figures.find((f) => f.unitId === demoUnit(units, 'basic').id)!;
    expect(basic.quarter).toBe(quarter());
    expect(basic.received).toBe(6);
    expect(basic.retaliationFlags).toBe('<5');
    expect(basic.closed.substantiated).toBe('<5');
    expect(basic.retaliationMedianDaysToResolve).toBeNull();
    const inter = figures.find((f) => f.unitId === demoUnit(units, 'intermediate').id)!;
    expect(inter.received).toBe('<5');
    expect(JSON.stringify(figures)).not.toMatch(/"(1|2|3|4)"|:(1|2|3|4)[,}]/);
  });

  it('export CSV for administrators only, audited', async () => {
    const supervisor = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    expect((await supervisor.fetcher('/api/stats')).status).toBe(403);
    const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    const res = await admin.fetcher('/api/stats?format=csv');
    expect(res.headers.get('content-type')).toContain('text/csv');
    const csv = await res.text();
    expect(csv.split('\r\n')[0]).toContain('retaliation_flags');
    expect(csv).toContain('"<5"');
    const audit = (await (await admin.fetcher('/api/audit?action=stats.export')).json()) as {
      entries: unknown[];
    };
    expect(audit.entries).toHaveLength(1);
  });

  it('publish only the units that choose to, with the same suppression, once the quarter ends', async () => {
    const read = async () =>
      (await (await h.app.request('/api/public/stats')).json()) as {
        units: { id: string }[];
        figures: UnitQuarter[];
        nextPublication: string;
      };
    const live = await read();
    expect(live.figures).toEqual([]);
    expect(live.nextPublication > day()).toBe(true);
    expect(live.nextPublication).toMatch(/^\d{4}-(01|04|07|10)-01$/);
    h.advance(Date.parse(`${live.nextPublication}T00:00:00Z`) - Date.now());
    const body = await read();
    expect(body.units.length).toBe(3); // demo units publish
    expect(body.figures.every((f) => body.units.some((u) => u.id === f.unitId))).toBe(true);
    expect(body.figures.find((f) => f.received === 6)?.quarter).toBe(quarter());
  });

  it('publish the head of the audit log at the end of each ended day as its hash alone', async () => {
    const body = (await (await h.app.request('/api/public/stats')).json()) as {
      auditHead: Record<string, unknown> | null;
    };
    const [last] = await h.ctx.db
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .where(lt(auditLog.at, Math.floor(Date.parse(`${toDay(h.ctx.now())}T00:00:00Z`) / 1000)))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    expect(last).toBeDefined();
    // No count of entries: day to day it would tell how many were written (and reports arrived).
    const yesterday = toDay(new Date(h.ctx.now().getTime() - 86_400_000));
    expect(body.auditHead).toEqual({ hash: last!.hash, day: yesterday });
  });
});
