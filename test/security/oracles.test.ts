// Threat: learning which receipts or cases exist from the answers. Unknown receipts, and cases
// outside a supervisor's reach, get answers identical to a missing one, in similar time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitReport } from '../../src/client/reporter';
import { inbox, type SupervisorSession, signIn } from '../../src/client/supervisor';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let outsider: SupervisorSession;
let foreignCase: string;
beforeAll(async () => {
  h = await makeHarness({ LOOKUPS_PER_SECOND: '1000' });
  const units = await h.units();
  await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('x'),
    files: [],
  });
  const owner = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  foreignCase = (await inbox(owner)).items[0]!.id;
  outsider = await signIn(withCookies(h.fetcher), await demoKey(h, 'provincial-supervisor'));
});
afterAll(() => h.close());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(path: string, rounds = 25) {
  const times: number[] = [];
  let body = '';
  let status = 0;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const res = await outsider.fetcher(path);
    times.push(performance.now() - t);
    status = res.status;
    const parsed = (await res.json()) as { error: { code: string; message: string } };
    body = JSON.stringify({ code: parsed.error.code, message: parsed.error.message });
  }
  return { status, body, median: median(times) };
}

describe('existence oracles', () => {
  it('a case outside the unit answers exactly like a missing one, in similar time', async () => {
    const missing = 'AAAAAAAAAAAAAAAAAAAAAA';
    await timed(`/api/cases/${missing}`, 5); // warm up
    for (const suffix of ['', '/access', '/attachments/AAAAAAAAAAAAAAAAAAAAAA']) {
      const a = await timed(`/api/cases/${foreignCase}${suffix}`);
      const b = await timed(`/api/cases/${missing}${suffix}`);
      expect(a.status).toBe(404);
      expect(a.body).toBe(b.body);
      // Loose on purpose: both paths do one indexed read; a real difference would be an order larger.
      expect(Math.abs(a.median - b.median)).toBeLessThan(
        Math.max(5, 3 * Math.min(a.median, b.median)),
      );
    }
  });
});
