// Expired rows do not pile up: spent proof-of-work challenges, unused sign-in challenges and
// ended sessions are forgotten by the routes that create such rows.

import { describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { submitReport } from '../../src/client/reporter';
import { signIn } from '../../src/client/supervisor';
import { rowCounts } from '../helpers/db';
import { demoKey, demoUnit, sampleReport, useHarness, withCookies } from '../helpers/harness';

const h = useHarness();

describe('housekeeping', () => {
  it('drops expired challenges and sessions once they can no longer be used', async () => {
    const units = await h.units();
    await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: false,
      report: sampleReport('x'),
      files: [],
    });
    await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const before = await rowCounts(h.ctx);
    expect(before.pow_spent).toBe(1);
    expect(before.sessions).toBe(1);
    // The spent sign-in challenge, written with the session.
    expect(before.auth_challenges).toBe(1);

    h.advance(13 * 3600_000);
    try {
      // Housekeeping rides on paid work only: a free request writes nothing, not even deletes.
      expect((await h.app.request('/api/pow?purpose=submit')).status).toBe(200);
      expect((await rowCounts(h.ctx)).pow_spent).toBe(1);
      const paid = await h.app.request('/api/reports', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...powHeaders(await proofOfWork(h.fetcher, 'submit')),
        },
        body: '{}',
      });
      expect(paid.status).toBe(400);
      const after = await rowCounts(h.ctx);
      // Only the spend just made is left.
      expect([after.pow_spent, after.sessions, after.auth_challenges]).toEqual([1, 0, 0]);
      expect(after.reports).toBe(before.reports);
      expect(after.audit_log).toBe(before.audit_log);
    } finally {
      h.advance(-13 * 3600_000);
    }
  });
});
