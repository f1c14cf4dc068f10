// The audit view names who acted and where, beside the ids, so an auditor need not look them up.
import { describe, expect, it } from 'vitest';
import { auditEntries } from '../../src/client/admin';
import { signIn } from '../../src/client/supervisor';
import { demoKey, useHarness, withCookies } from '../helpers/harness';

const h = useHarness();

describe('audit entries', () => {
  it('carry the actor’s and the unit’s names', async () => {
    const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    const { entries } = await auditEntries(admin, { limit: 500 });
    const signInEntry = entries.find((e) => e.actorId === admin.supervisor.id);
    expect(signInEntry?.actorName).toBe(admin.supervisor.displayName);
    const withUnit = entries.find((e) => e.unitId);
    expect(withUnit?.unitName).toEqual(expect.any(String));
    expect(withUnit?.unitNameZh).toEqual(expect.any(String));
  });
});
