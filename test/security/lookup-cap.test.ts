// Attack 3, look-up cap before the work: the global look-up cap is taken only after the proof of
// work is checked and spent, so a flood of look-ups without work (or with forged or reused work)
// uses none of it, and real look-ups keep their turn.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { openCase, submitReport } from '../../src/client/reporter';
import { deriveReceiptSecrets, generateReceipt } from '../../src/crypto';
import { demoKey, demoUnit, sampleReport, useHarness } from '../helpers/harness';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

const h = useHarness({ LOOKUPS_PER_SECOND: '2' });

describe('look-up cap', () => {
  it(
    'is not used up by 300 look-ups without valid work',
    async () => {
      const units = await h.units();
      const { receipt } = await submitReport(h.fetcher, {
        units,
        unitId: demoUnit(units, 'basic').id,
        copyToParent: false,
        report: sampleReport('before the flood'),
        files: [],
      });
      const token = (await deriveReceiptSecrets(generateReceipt())).lookupToken;
      const spent = powHeaders(await proofOfWork(h.fetcher, 'lookup'));
      const statuses = new Set<number>();
      for (let i = 0; i < 300; i++) {
        const headers: Record<string, string> = { 'x-lookup-token': token };
        if (i % 3 === 1) Object.assign(headers, spent);
        if (i % 3 === 2) Object.assign(headers, { ...spent, 'x-pow-nonce': `f${i}` });
        const res = await h.app.request('/api/receipt', { headers });
        statuses.add(res.status);
      }
      // The first use of `spent` is the only paid one: it finds no report (404).
      expect([...statuses].sort()).toEqual([403, 404]);
      // Four real look-ups in a row, the cap's whole burst: had the flood taken any of it, one
      // would be refused. (The clock first moves past the flood's one paid look-up.)
      h.advance(5_000);
      for (let i = 0; i < 4; i++)
        expect((await openCase(h.fetcher, receipt)).view.messages).toHaveLength(1);
      h.advance(5_000);
      await realUsersSucceed(h.fetcher, await demoKey(h, 'basic-supervisor'));
    },
    REAL_USERS_WITHIN_MS,
  );
});
