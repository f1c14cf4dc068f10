// Threat: learning which receipts or cases exist from the answers. Unknown receipts, and cases
// outside a supervisor's reach, get answers identical to a missing one, after the same work: the
// same SQL statements, in the same order. Work is compared, not wall-clock time, which other test
// files running beside this one would disturb.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitReport } from '../../src/client/reporter';
import { inbox, type SupervisorSession, signIn } from '../../src/client/supervisor';
import {
  demoKey,
  demoUnit,
  expectLikeMissing,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';
import { recordStatements } from '../helpers/statements';

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

/** The answer to `path` and the statements run to make it (session checks included). */
async function answer(path: string) {
  const recorder = recordStatements(h.ctx);
  try {
    const res = await outsider.fetcher(path);
    const parsed = (await res.json()) as { error: { code: string; message: string } };
    return {
      status: res.status,
      body: JSON.stringify({ code: parsed.error.code, message: parsed.error.message }),
      statements: [...recorder.log],
    };
  } finally {
    recorder.stop();
  }
}

describe('existence oracles', () => {
  it('a case outside the unit answers exactly like a missing one, after the same work', async () => {
    const missing = 'AAAAAAAAAAAAAAAAAAAAAA';
    for (const suffix of ['', '/access', '/attachments/AAAAAAAAAAAAAAAAAAAAAA']) {
      await expectLikeMissing(
        outsider.fetcher,
        `/api/cases/${foreignCase}${suffix}`,
        `/api/cases/${missing}${suffix}`,
      );
      const a = await answer(`/api/cases/${foreignCase}${suffix}`);
      const b = await answer(`/api/cases/${missing}${suffix}`);
      expect(a.status).toBe(404);
      expect(a.body).toBe(b.body);
      expect(a.statements.length).toBeGreaterThan(0);
      expect(a.statements).toEqual(b.statements);
    }
  });
});
