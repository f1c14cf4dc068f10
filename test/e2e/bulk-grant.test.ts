// A bulk grant in real Chromium: a supervisor gives every case of the unit to a colleague approved
// later, sees the progress, loses the page half-way (a reload while a grant is in flight), signs in
// again and the grant resumes where it stopped; the colleague then reads every case.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideSupervisor } from '../../src/client/admin';
import type { Fetcher } from '../../src/client/api';
import { submitReport } from '../../src/client/reporter';
import { decryptCase, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { unlockPrivateKey } from '../../src/crypto';
import { enrolKey, sampleReport, withCookies } from '../helpers/scenario';
import { type Browser, launchBrowser, shot, watchPage } from './helpers/browser';
import { expectNoAxeViolations } from './helpers/checks';
import { DEMO_PASSPHRASE, type Portal, startPortal } from './helpers/portal';
import { hasText } from './helpers/wait';

let portal: Portal;
let browser: Browser;
let page: Page;
let problems: string[] = [];
let fetcher: Fetcher;
let colleague: Awaited<ReturnType<typeof enrolKey>>;

beforeAll(async () => {
  portal = await startPortal();
  fetcher = (path, init) => fetch(`${portal.base}${path}`, init);
  const { units } = (await (await fetcher('/api/units')).json()) as { units: UnitView[] };
  const unitId = units.find((u) => u.level === 'basic')!.id;
  for (const n of [1, 2, 3]) {
    await submitReport(fetcher, {
      units,
      unitId,
      copyToParent: false,
      report: sampleReport(`Report ${n} before the colleague joined.`),
      files: [],
    });
  }
  colleague = await enrolKey({ fetcher }, unitId, 'New colleague');
  const adminKey = await readFile(portal.keyFile('admin'), 'utf8');
  const admin = await signIn(
    withCookies(fetcher),
    await unlockPrivateKey(adminKey, DEMO_PASSPHRASE),
  );
  await decideSupervisor(admin, colleague.id, 'approve');
  // Four eyes: the auditor's approval makes the key active.
  const auditorKey = await readFile(portal.keyFile('auditor'), 'utf8');
  const auditor = await signIn(
    withCookies(fetcher),
    await unlockPrivateKey(auditorKey, DEMO_PASSPHRASE),
  );
  await decideSupervisor(auditor, colleague.id, 'approve');
  browser = await launchBrowser();
  page = await (await browser.context({ locale: 'en-US' })).newPage();
  problems = watchPage(page);
});

afterAll(async () => {
  await browser?.close();
  await portal?.dispose();
});

async function unlock(): Promise<void> {
  await page.setInputFiles('#key-file', portal.keyFile('basic-supervisor'));
  await page.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await page.locator('#passphrase').pressSequentially(DEMO_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock and sign in' }).click();
}

describe('bulk grant in Chromium', { timeout: 120_000 }, () => {
  it('shows progress, survives a reload half-way, resumes and finishes', async () => {
    await page.goto(`${portal.base}/supervisor#access`);
    await unlock();
    await page.locator('#access-view').waitFor({ state: 'visible' });
    await page.getByRole('radio', { name: /New colleague/ }).check();
    await expectNoAxeViolations(page, 'access view');

    // The second case's grant never arrives: the page is reloaded while it is in flight.
    let grants = 0;
    let inFlight: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      inFlight = resolve;
    });
    await page.route('**/api/cases/*/grants', async (route) => {
      grants += 1;
      if (grants === 2) {
        inFlight();
        return;
      }
      await route.continue();
    });
    await page.getByRole('button', { name: 'Grant all cases' }).click();
    await held;
    await hasText(page.locator('#grant-status'), '1 of 3 cases granted.');
    expect(await page.locator('#grant-progress').getAttribute('value')).toBe('1');
    await shot(page, 'grant-01-half-way');
    // Reloaded with that request still held: the browser drops it, as on a lost connection.
    await page.reload();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    expect(grants).toBe(2);

    // The key is gone with the reload; once it is imported again the page offers to continue.
    await page.locator('#signin-view').waitFor({ state: 'visible' });
    await unlock();
    await page.locator('#access-view').waitFor({ state: 'visible' });
    await hasText(page.locator('#grant-resume'), 'stopped after 1 cases');
    await page.getByRole('button', { name: 'Continue the grant' }).click();
    await hasText(page.locator('#grant-status'), 'Done: 3 of 3 cases granted.');
    expect(await page.locator('#grant-progress').getAttribute('value')).toBe('3');
    expect(await page.evaluate(() => localStorage.getItem('portal.bulkGrant'))).toBeNull();
    await shot(page, 'grant-02-done');
    expect(problems).toEqual([]);
  });

  it('the colleague reads every case', async () => {
    const s = await signIn(withCookies(fetcher), colleague.key);
    const { items } = await inbox(s);
    expect(items).toHaveLength(3);
    for (const item of items) {
      const opened = await decryptCase(s, await fetchCase(s, item.id));
      expect(opened.map((m) => m.verified)).toEqual([true]);
    }
  });
});
