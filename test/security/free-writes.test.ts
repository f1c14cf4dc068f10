// Attack 5, free writes: a sign-in challenge used to be a database row written for anyone who
// asked. Now it is stateless (its nonce carries a MAC) and paid for with work: asking without work
// is refused, and asking with work writes nothing. Only a verified sign-in writes its challenge.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { signInChallenge } from '../../src/client/supervisor';
import { demoKey, useHarness } from '../helpers/harness';
import { tableCounts } from './helpers/counts';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

const h = useHarness();

describe('free writes', () => {
  it(
    '500 challenge requests without work are refused and write nothing',
    async () => {
      const before = await tableCounts(h.ctx);
      for (let i = 0; i < 500; i++) {
        const res = await h.app.request('/api/auth/challenge', { method: 'POST' });
        expect(res.status).toBe(403);
      }
      // Paid challenges are stateless too.
      for (let i = 0; i < 5; i++) await signInChallenge(h.fetcher);
      expect(await tableCounts(h.ctx)).toEqual(before);
      await realUsersSucceed(h.fetcher, await demoKey(h, 'basic-supervisor'));
      // The one verified sign-in wrote its spent challenge.
      expect((await tableCounts(h.ctx)).auth_challenges).toBe(before.auth_challenges! + 1);
    },
    REAL_USERS_WITHIN_MS,
  );
});
