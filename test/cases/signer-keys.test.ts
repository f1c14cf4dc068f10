// The keys a case's replies are verified against hold only keys that were approved when they
// signed: pending, rejected and never-used keys of the unit are not among them, in the browser's
// case view or in an export for `case decrypt`; a key revoked after it replied stays.
import { describe, expect, it } from 'vitest';
import { exportCase } from '../../src/cases/export';
import { fetchCase, inbox, sendReply, signIn } from '../../src/client/supervisor';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  enrolKey,
  reportTo,
  useHarness,
  withCookies,
} from '../helpers/harness';

const h = useHarness();

describe('signature keys of a case', () => {
  it('are the keys that replied, not every key ever enrolled in the unit', async () => {
    const units = await h.units();
    const unitId = demoUnit(units, 'basic').id;
    await enrolKey(h, unitId, 'Pending');
    const rejected = await enrolKey(h, unitId, 'Rejected');
    await decideAsAdmin(h, rejected.id, 'reject');
    const revoked = await enrolKey(h, unitId, 'Revoked before replying');
    await decideAsAdmin(h, revoked.id, 'approve');
    await decideAsAdmin(h, revoked.id, 'revoke');
    const idle = await enrolKey(h, unitId, 'Approved, never replied');
    await decideAsAdmin(h, idle.id, 'approve');
    await reportTo(h, 'basic', 'Signers');
    const s1 = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const id = (await inbox(s1)).items[0]!.id;
    expect((await fetchCase(s1, id)).supervisorKeys).toEqual([]);
    await sendReply(s1, await fetchCase(s1, id), 'First reply.');
    // The replier is revoked later: their reply must still verify, so their key stays.
    await decideAsAdmin(h, s1.supervisor.id, 'revoke');
    const s2 = await signIn(withCookies(h.fetcher), idle.key);
    const c = await fetchCase(s2, id);
    expect(c.supervisorKeys.map((k) => k.fingerprint)).toEqual([s1.supervisor.fingerprint]);
    const exported = await exportCase(h.ctx, id, async () => undefined);
    expect(exported.manifest.keys.filter((k) => k.role === 'supervisor')).toEqual([
      expect.objectContaining({ fingerprint: s1.supervisor.fingerprint }),
    ]);
  });
});
