// What every availability test ends with: after the attack, a real reporter submits, looks the
// case up and flags retaliation, and a real supervisor signs in, all through the public API.
// Runtime-neutral (no node: imports), so the workerd twins use it too.

import type { PrivateKey } from 'openpgp';
import { expect } from 'vitest';
import type { Fetcher } from '../../../src/client/api';
import { flagRetaliation, openCase, submitReport } from '../../../src/client/reporter';
import { signIn } from '../../../src/client/supervisor';
import type { UnitView } from '../../../src/client/types';
import { demoUnit, sampleReport, withCookies } from '../../helpers/scenario';

/**
 * The time each availability test states for the real users' whole round (submission, look-up,
 * flag, sign-in), as the test's timeout: generous, since the machine is shared; an attack that
 * worked would make them fail outright (429, 403) or hang well past it.
 */
export const REAL_USERS_WITHIN_MS = 60_000;

export async function realUsersSucceed(fetcher: Fetcher, supervisorKey: PrivateKey) {
  const units = (await (await fetcher('/api/units')).json()) as { units: UnitView[] };
  const unitId = demoUnit(units.units, 'basic').id;
  const { receipt } = await submitReport(fetcher, {
    units: units.units,
    unitId,
    copyToParent: false,
    report: sampleReport('after the attack'),
    files: [],
  });
  const session = await openCase(fetcher, receipt);
  expect(session.view.messages).toHaveLength(1);
  const flag = await flagRetaliation(session, {
    kind: 'threats',
    startedOn: '2026-11-01',
    details: 'threatened after reporting',
  });
  expect(flag.messageId).toBeTruthy();
  const supervisor = await signIn(withCookies(fetcher), supervisorKey);
  expect(supervisor.supervisor.fingerprint).toBe(supervisorKey.getFingerprint().toUpperCase());
}
