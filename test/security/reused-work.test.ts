// Attack 7, reused proofs of work: a solution is spent in the database before any work it pays
// for, so a replay is refused (403) before its body is read, whatever became of the first use:
// never a 500, never a second row, never a second round of key and message parsing.
// scenario: node and workerd
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { demoKey, demoUnit, useHarness } from '../helpers/harness';
import { tableCounts } from './helpers/counts';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

const h = useHarness();

const post = (path: string, body: unknown, pow: Record<string, string>) =>
  h.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...pow },
    body: JSON.stringify(body),
  });

const codeOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe('reused proofs of work', () => {
  it(
    'one solution enrols once; three replays get 403 and store nothing',
    async () => {
      const unitId = demoUnit(await h.units(), 'basic').id;
      const { publicKey } = await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'New supervisor' }],
        format: 'armored',
      });
      const pow = powHeaders(await proofOfWork(h.fetcher, 'submit'));
      const body = { unitId, displayName: 'New supervisor', publicKey };
      expect((await post('/api/supervisors/enrol', body, pow)).status).toBe(201);
      const before = await tableCounts(h.ctx);
      for (let i = 0; i < 3; i++) {
        const res = await post('/api/supervisors/enrol', body, pow);
        expect(res.status).toBe(403);
        expect(await codeOf(res)).toBe('pow_invalid');
      }
      expect(await tableCounts(h.ctx)).toEqual(before);
      await realUsersSucceed(h.fetcher, await demoKey(h, 'basic-supervisor'));
    },
    REAL_USERS_WITHIN_MS,
  );

  it('one solution pays for one malformed submission; replays stop before the body', async () => {
    const pow = powHeaders(await proofOfWork(h.fetcher, 'submit'));
    const malformed = { unitId: 'x', lookupToken: 'y', report: 'z' };
    const first = await post('/api/reports', malformed, pow);
    expect(first.status).toBe(400);
    const before = await tableCounts(h.ctx);
    for (let i = 0; i < 600; i++) {
      // An answer of 403 pow_invalid, not 400 invalid_request, shows the body was never parsed.
      const res = await post('/api/reports', malformed, pow);
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe('pow_invalid');
    }
    expect(await tableCounts(h.ctx)).toEqual(before);
  });

  it('two enrolments racing on one solution: one is stored, the other is a 403', async () => {
    const unitId = demoUnit(await h.units(), 'basic').id;
    const keys = await Promise.all(
      [1, 2].map(() =>
        openpgp.generateKey({
          type: 'ecc',
          curve: 'curve25519Legacy',
          userIDs: [{ name: 'Racer' }],
          format: 'armored',
        }),
      ),
    );
    const pow = powHeaders(await proofOfWork(h.fetcher, 'submit'));
    const answers = await Promise.all(
      keys.map((k) =>
        post(
          '/api/supervisors/enrol',
          { unitId, displayName: 'Racer', publicKey: k.publicKey },
          pow,
        ),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 403]);
  });
});
