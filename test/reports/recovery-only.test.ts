// A unit whose only active key is its recovery key has nobody who reads: the recovery key is an
// escrow kept offline, opened only when every reader's key is lost. Such a unit refuses new
// reports with a clear answer, as a unit without keys does, and nothing is stored.
// scenario: node and workerd
import { count } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDrafts, reports } from '../../db/schema';
import { submitReport } from '../../src/client/reporter';
import { signIn } from '../../src/client/supervisor';
import { unitHealth } from '../../src/contract/reach';
import { setRecoveryKey } from '../../src/units/recovery';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let unitId: string;

beforeAll(async () => {
  h = await makeHarness();
  unitId = demoUnit(await h.units(), 'basic').id;
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Unit recovery key' }],
  });
  await setRecoveryKey(h.ctx, 'operator', unitId, publicKey);
  const s = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  await decideAsAdmin(h, s.supervisor.id, 'revoke');
});
afterAll(() => h.close());

const stored = async () =>
  [
    (await h.ctx.db.select({ n: count() }).from(reports))[0]?.n,
    (await h.ctx.db.select({ n: count() }).from(reportDrafts))[0]?.n,
  ] as const;

describe('a unit with only its recovery key', () => {
  it('publishes the recovery key as its only key, and no reader', async () => {
    const unit = demoUnit(await h.units(), 'basic');
    expect(unit.keys.map((k) => k.role)).toEqual(['recovery']);
    expect(unitHealth(unit.keys)).toMatchObject({ readers: 0, hasRecoveryKey: true });
  });

  it('refuses a new report with 409 and a clear reason; nothing is stored', async () => {
    const before = await stored();
    const units = await h.units();
    await expect(
      submitReport(h.fetcher, {
        units,
        unitId,
        copyToParent: false,
        report: sampleReport('Nobody here reads this.'),
        files: [],
      }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/no active supervisor keys.*recovery key/),
    });
    expect(await stored()).toEqual(before);
  });
});
