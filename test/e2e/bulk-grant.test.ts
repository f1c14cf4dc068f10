import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fetcher } from '../../src/client/api';
import { decryptCase, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import { type enrolKey, withCookies } from '../helpers/scenario';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { expectNoAxeViolations } from './helpers/checks';
import { colleagueAfter, unlockBasicSupervisor } from './helpers/grants';
import { hasText } from './helpers/wait';

const portal = useBrowserPortal();
let page: Page;
let problems: string[] = [];
let fetcher: Fetcher;
let colleague: Awaited<ReturnType<typeof enrolKey>>;

beforeAll(async () => {
  ({ fetcher, colleague } = await colleagueAfter(
    portal,
    [1, 2, 3].map((n) => `Report ${n} before the colleague joined.`),
  ));
  page = await (await portal.browser.context({ locale: 'en-US' })).newPage();
  problems = watchPage(page);
});

const unlock = () => unlockBasicSupervisor(page, portal, 'click');

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
