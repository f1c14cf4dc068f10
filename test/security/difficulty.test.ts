// Attack 4, difficulty inflation: asking for proof-of-work challenges is free, so it moves
// nothing. Only solved and spent work counts toward the load that raises the difficulty.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { demoKey, useHarness } from '../helpers/harness';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

const h = useHarness({ POW_LOAD_SUBMIT_PER_MINUTE: '10', POW_LOAD_LOOKUP_PER_MINUTE: '10' });

const difficulty = async (purpose: string) =>
  ((await (await h.app.request(`/api/pow?purpose=${purpose}`)).json()) as { difficulty: number })
    .difficulty;

describe('difficulty inflation', () => {
  it(
    'ignores 4,000 free challenge requests; real users pay the base difficulty',
    async () => {
      const base = { submit: await difficulty('submit'), lookup: await difficulty('lookup') };
      for (let i = 0; i < 4000; i++) await difficulty(i % 2 ? 'submit' : 'lookup');
      expect(await difficulty('submit')).toBe(base.submit);
      expect(await difficulty('lookup')).toBe(base.lookup);
      await realUsersSucceed(h.fetcher, await demoKey(h, 'basic-supervisor'));
      expect(await difficulty('submit')).toBe(base.submit);
    },
    REAL_USERS_WITHIN_MS,
  );

  it('rises with paid work, even work paying for refused requests', async () => {
    const base = await difficulty('submit');
    for (let i = 0; i < 40; i++) {
      const res = await h.app.request('/api/reports', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...powHeaders(await proofOfWork(h.fetcher, 'submit')),
        },
        body: '{}',
      });
      expect(res.status).toBe(400);
    }
    expect(await difficulty('submit')).toBeGreaterThanOrEqual(base + 2);
  });
});
