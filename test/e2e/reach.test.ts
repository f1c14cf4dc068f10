// The journeys of issue "reports reach someone who may read them", in Chromium: a reporter keeps
// a named supervisor out of a report; shares a flagged case with the unit above; the unit above
// sees flag-only, shared and escalated cases in its inbox and plain words instead of decryption
// errors. Each changed view passes axe in English and in Chinese.
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideSupervisor } from '../../src/client/admin';
import { callApi, type Fetcher } from '../../src/client/api';
import { flagRetaliation, openCase, submitReport } from '../../src/client/reporter';
import { signIn as apiSignIn, inbox } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { formatReceipt, unlockPrivateKey } from '../../src/crypto';
import { enrolKey, withCookies } from '../helpers/scenario';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { DESKTOP, expectLanguage, expectNoAxeViolations } from './helpers/checks';
import { DEMO_PASSPHRASE, type DemoKey } from './helpers/portal';
import { sendFromForm } from './helpers/report';
import { hasAttribute, hasText } from './helpers/wait';

const portal = useBrowserPortal();
let fetcher: Fetcher;
const contexts: BrowserContext[] = [];

const units = async () => (await callApi<{ units: UnitView[] }>(fetcher, '/api/units')).units;
const unitOf = async (level: string) => (await units()).find((u) => u.level === level)!;
const demo = async (name: DemoKey) =>
  unlockPrivateKey(await readFile(portal.keyFile(name), 'utf8'), DEMO_PASSPHRASE);
const session = async (name: DemoKey) => apiSignIn(withCookies(fetcher), await demo(name));

beforeAll(async () => {
  fetcher = (path, init) => fetch(new URL(path, portal.base), init);
  // A second supervisor in the basic unit, so that one of the two can be kept out.
  const basic = await unitOf('basic');
  const enrolled = await enrolKey({ fetcher }, basic.id, 'Second Basic Supervisor');
  // Four eyes: an administrator approves, then an auditor.
  await decideSupervisor(await session('admin'), enrolled.id, 'approve');
  await decideSupervisor(await session('auditor'), enrolled.id, 'approve');
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
});

async function open(): Promise<{ page: Page; problems: string[] }> {
  const context = await portal.browser.context({ locale: 'en-US', viewport: DESKTOP });
  contexts.push(context);
  const page = await context.newPage();
  return { page, problems: watchPage(page) };
}

async function settle(page: Page): Promise<void> {
  await page.locator('h1:visible').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

/** axe and the language check in both languages, ending in English. */
async function bothLanguages(page: Page, name: string): Promise<void> {
  for (const lang of ['en', 'zh', 'en'] as const) {
    const now =
      (await page.evaluate(() => document.documentElement.lang)) === 'zh-CN' ? 'zh' : 'en';
    if (now !== lang) {
      await page.locator('#lang-switch').click();
      await hasAttribute(page.locator('html'), 'lang', lang === 'zh' ? 'zh-CN' : 'en');
    }
    await expectLanguage(page, lang, `${name} (${lang})`);
    await expectNoAxeViolations(page, `${name} (${lang})`);
  }
}

async function supervisorPage(key: DemoKey): Promise<{ page: Page; problems: string[] }> {
  const opened = await open();
  const { page } = opened;
  await page.goto(`${portal.base}/supervisor`);
  await settle(page);
  await page.setInputFiles('#key-file', portal.keyFile(key));
  await page.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await page.locator('#passphrase').fill(DEMO_PASSPHRASE);
  await page.locator('#signin-form button[type="submit"]').click();
  await page.locator('#inbox-rows tr').first().waitFor();
  await settle(page);
  return opened;
}

/** Submits a report to the basic unit and flags retaliation, as the reporter's browser would. */
async function flaggedCase(text: string): Promise<string> {
  const list = await units();
  const { receipt } = await submitReport(fetcher, {
    units: list,
    unitId: list.find((u) => u.level === 'basic')!.id,
    copyToParent: false,
    report: {
      category: 'interference',
      whatHappened: text,
      when: '',
      where: '',
      who: '',
      howKnown: '',
    },
    files: [],
  });
  await flagRetaliation(await openCase(fetcher, receipt), {
    kind: 'dismissal',
    startedOn: '2026-11-20',
    details: 'Dismissed after reporting.',
  });
  return formatReceipt(receipt);
}

describe('when the unit is the problem, in Chromium', { timeout: 900_000 }, () => {
  it('a reporter keeps a named supervisor out, never all of them', async () => {
    const { page, problems } = await open();
    await page.goto(`${portal.base}/report`);
    await settle(page);
    const basic = await unitOf('basic');
    await page.locator(`#unit-${basic.id}`).check();
    const boxes = page.locator('#exclude-field input[type="checkbox"]');
    await hasText(page.locator('#exclude-field'), 'Second Basic Supervisor');
    expect(await boxes.count()).toBe(2);
    const demoKeyId = basic.keys.find((k) => k.displayName !== 'Second Basic Supervisor')!.id;
    // Everyone ticked: the page says one must remain, and nothing is sent.
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.locator('#exclude-error').waitFor();
    await bothLanguages(page, 'report-exclusions-all');
    await page.locator(`#exclude-${basic.keys.find((k) => k.id !== demoKeyId)!.id}`).uncheck();
    await page.locator('#exclude-error').waitFor({ state: 'detached' });
    await expect(page.locator(`#exclude-${demoKeyId}`).isChecked()).resolves.toBe(true);
    await bothLanguages(page, 'report-exclusions');
    await page.locator('#category').selectOption('interference');
    await page.locator('#what').fill('About the first supervisor of the basic unit.');
    await sendFromForm(page, 180_000);
    await shot(page, 'reach-excluded-sent');
    expect((await inbox(await session('basic-supervisor'))).items).toHaveLength(0);
    expect(problems).toEqual([]);
  });

  it('the unit above sees a flag in plain words, then the whole case once shared', async () => {
    const receipt = await flaggedCase('The court president called the judge.');
    const above = await supervisorPage('intermediate-supervisor');
    await hasText(above.page.locator('#inbox-rows'), 'Retaliation flagged from below');
    await above.page
      .locator('#inbox-rows tr', { hasText: 'Retaliation flagged from below' })
      .first()
      .locator('a')
      .click();
    await above.page.locator('#case-messages .message-report').waitFor();
    await hasText(above.page.locator('#case-messages'), 'has not shared the report with your unit');
    expect(await above.page.locator('#case-messages [role="alert"]').count()).toBe(0);
    expect(await above.page.locator('#state-form').isHidden()).toBe(true);
    await bothLanguages(above.page, 'case-flag-only');

    const reporter = await open();
    const page = reporter.page;
    await page.goto(`${portal.base}/follow-up`);
    await settle(page);
    await page.locator('#receipt').fill(receipt);
    await page.locator('#lookup-form button[type="submit"]').click();
    await page.locator('#case-messages .message-report').waitFor();
    const intermediate = await unitOf('intermediate');
    const share = page.locator(`#share-${intermediate.id}`);
    await share.waitFor();
    await bothLanguages(page, 'follow-up-share');
    await share.click();
    await share.waitFor({ state: 'detached', timeout: 120_000 });
    await hasText(page.locator('#case-readers'), intermediate.name);
    await bothLanguages(page, 'follow-up-shared');
    expect(reporter.problems).toEqual([]);

    const again = await supervisorPage('intermediate-supervisor');
    await hasText(again.page.locator('#inbox-rows'), 'Shared with your unit by the reporter');
    await bothLanguages(again.page, 'inbox-shared');
  });

  it('a unit without readers: its cases show as escalated above', async () => {
    await flaggedCase('Before the unit lost its keys.');
    const admin = await session('admin');
    for (const k of (await unitOf('basic')).keys.filter((k) => k.role === 'supervisor'))
      await decideSupervisor(admin, k.id, 'revoke');
    const above = await supervisorPage('intermediate-supervisor');
    await hasText(above.page.locator('#inbox-rows'), 'Escalated to your unit');
    await bothLanguages(above.page, 'inbox-escalated');
    await shot(above.page, 'reach-inbox-escalated');
    expect(above.problems).toEqual([]);
  });
});
