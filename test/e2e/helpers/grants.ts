// The setup both grant journeys share: reports sent to a portal's demo basic unit, a
// colleague enrolled there and approved with four eyes (the demo administrator, then the
// auditor), and the basic supervisor's key unlocked on the supervisor page.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { decideSupervisor } from '../../../src/client/admin';
import type { Fetcher } from '../../../src/client/api';
import { submitReport } from '../../../src/client/reporter';
import { signIn } from '../../../src/client/supervisor';
import type { UnitView } from '../../../src/client/types';
import { unlockPrivateKey } from '../../../src/crypto';
import { enrolKey, sampleReport, withCookies } from '../../helpers/scenario';
import { DEMO_PASSPHRASE, type DemoKey, type Portal } from './portal';

/** A demo key's holder, signed in over the API. */
export async function demoSession(portal: Portal, fetcher: Fetcher, name: DemoKey) {
  const armored = await readFile(portal.keyFile(name), 'utf8');
  return signIn(withCookies(fetcher), await unlockPrivateKey(armored, DEMO_PASSPHRASE));
}

/** These reports sent to the portal's basic unit, and a colleague approved there since. */
export async function colleagueAfter(portal: Portal, reports: string[]) {
  const fetcher: Fetcher = (path, init) => fetch(`${portal.base}${path}`, init);
  const { units } = (await (await fetcher('/api/units')).json()) as { units: UnitView[] };
  const unitId = units.find((u) => u.level === 'basic')!.id;
  for (const text of reports) {
    await submitReport(fetcher, {
      units,
      unitId,
      copyToParent: false,
      report: sampleReport(text),
      files: [],
    });
  }
  const colleague = await enrolKey({ fetcher }, unitId, 'New colleague');
  // Four eyes: an administrator approves, then an auditor.
  const admin = await demoSession(portal, fetcher, 'admin');
  const auditor = await demoSession(portal, fetcher, 'auditor');
  await decideSupervisor(admin, colleague.id, 'approve');
  await decideSupervisor(auditor, colleague.id, 'approve');
  return { fetcher, unitId, colleague, admin, auditor };
}

/** Unlocks the basic supervisor's demo key on the sign-in form, sent with a click or Enter. */
export async function unlockBasicSupervisor(page: Page, portal: Portal, send: 'click' | 'enter') {
  await page.setInputFiles('#key-file', portal.keyFile('basic-supervisor'));
  await page.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await page.locator('#passphrase').pressSequentially(DEMO_PASSPHRASE);
  if (send === 'enter') await page.keyboard.press('Enter');
  else await page.getByRole('button', { name: 'Unlock and sign in' }).click();
}
