// Every page and view, in English and Chinese: zero axe-core WCAG 2.2 A/AA violations, no raw
// message keys, no sideways scrolling at 360 px or at 200% zoom, and the report form usable
// with the keyboard alone, with a visible focus indicator on every control.
import { existsSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatReceipt } from '../../src/crypto';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import {
  DESKTOP,
  expectLanguage,
  expectNoAxeViolations,
  expectReflow,
  NARROW,
} from './helpers/checks';
import { DEMO_PASSPHRASE, type DemoKey } from './helpers/portal';
import { CONTINUE, confirmKept, SEND, seedReport } from './helpers/report';
import { hasAttribute } from './helpers/wait';

const portal = useBrowserPortal();
let receipt = '';
const contexts: BrowserContext[] = [];

/** A case to look at, submitted through the same client code the page uses. */
async function seedCase(): Promise<string> {
  const receipt = await seedReport(
    portal,
    {
      category: 'bribery',
      whatHappened: 'A clerk asked for money to move a hearing date.',
      when: 'March',
      where: 'Registry',
      who: '',
      howKnown: 'I was there.',
    },
    [{ name: 'note.txt', type: 'text/plain', bytes: new TextEncoder().encode('note') }],
  );
  return formatReceipt(receipt);
}

beforeAll(async () => {
  receipt = await seedCase();
});

async function open(locale: 'en-US' | 'zh-CN'): Promise<{ page: Page; problems: string[] }> {
  const context = await portal.browser.context({ locale, viewport: DESKTOP });
  contexts.push(context);
  const page = await context.newPage();
  return { page, problems: watchPage(page) };
}

async function settle(page: Page): Promise<void> {
  await page.locator('h1:visible').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

/** One view in the language it shows, then again after the switch, with reflow in both. */
async function checkView(page: Page, name: string, actions: string[]): Promise<void> {
  const first = (await page.evaluate(() => document.documentElement.lang)) === 'zh-CN';
  for (const lang of first ? (['zh', 'en'] as const) : (['en', 'zh'] as const)) {
    if (lang !== (first ? 'zh' : 'en')) {
      await page.locator('#lang-switch').click();
      await hasAttribute(page.locator('html'), 'lang', lang === 'zh' ? 'zh-CN' : 'en');
    }
    await expectLanguage(page, lang, `${name} (${lang})`);
    await expectNoAxeViolations(page, `${name} (${lang})`);
    await expectReflow(page, ['#lang-switch', ...actions], `${name} (${lang})`);
  }
  await page.setViewportSize(NARROW);
  await shot(page, `a11y-${name}-360`);
  await page.setViewportSize(DESKTOP);
}

async function signIn(page: Page, key: DemoKey, view: string): Promise<void> {
  await page.goto(`${portal.base}/supervisor`);
  await settle(page);
  await page.setInputFiles('#key-file', portal.keyFile(key));
  await page.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await page.locator('#passphrase').fill(DEMO_PASSPHRASE);
  await page.locator('#signin-form button[type="submit"]').click();
  await page.locator(view).waitFor({ state: 'visible' });
  await settle(page);
}

const QUICK_EXIT = '[data-quick-exit]';
const SUBMIT = 'main form button[type="submit"]';

// Each view in two languages with axe and reflow: minutes per test on a busy machine.
describe('accessibility and languages in Chromium', { timeout: 600_000 }, () => {
  it('public pages: no axe violations, both languages, chosen from the browser, no reflow', async () => {
    const pages: Array<[string, string[]]> = [
      ['/', [QUICK_EXIT, 'main a.btn-primary']],
      ['/report', [QUICK_EXIT, SUBMIT]],
      ['/follow-up', [QUICK_EXIT, SUBMIT]],
      ['/supervisor', [SUBMIT]],
      ['/enrol', [SUBMIT]],
    ];
    // The public statistics page, once it is part of the build.
    if (existsSync('public/stats.html') && (await fetch(`${portal.base}/stats`)).ok)
      pages.push(['/stats', [QUICK_EXIT]]);
    for (const locale of ['en-US', 'zh-CN'] as const) {
      const { page, problems } = await open(locale);
      for (const [path, actions] of pages) {
        await page.goto(`${portal.base}${path}`);
        await settle(page);
        // The browser's language picks the first language; the switch offers the other.
        const lang = locale === 'zh-CN' ? 'zh' : 'en';
        await expectLanguage(page, lang, `${path} (${lang}, from the browser)`);
        await expectNoAxeViolations(page, `${path} (${lang})`);
        await expectReflow(page, ['#lang-switch', ...actions], `${path} (${lang})`);
        const label = await page.locator('#lang-switch').textContent();
        expect(label).toBe(lang === 'zh' ? 'English' : '中文');
      }
      expect(problems).toEqual([]);
    }
  });

  it('the language switch is remembered across pages', async () => {
    const { page } = await open('en-US');
    await page.goto(`${portal.base}/report`);
    await settle(page);
    await page.locator('#lang-switch').click();
    await hasAttribute(page.locator('html'), 'lang', 'zh-CN');
    await page.goto(`${portal.base}/follow-up`);
    await settle(page);
    await expectLanguage(page, 'zh', '/follow-up after switching');
  });

  it('reporter views: the receipt and an opened case', async () => {
    const { page, problems } = await open('en-US');
    await page.goto(`${portal.base}/report`);
    await settle(page);
    await page.locator('input[name="unit"]:not(:disabled)').first().check();
    await page.locator('#category').selectOption('other');
    await page.locator('#what').fill('Accessibility check report.');
    await page.locator(CONTINUE).click();
    await page.locator('#report-summary').waitFor({ state: 'hidden' });
    await page.locator('#keep-view').waitFor({ state: 'visible' });
    await checkView(page, 'keep', [QUICK_EXIT, '#keep-copy', '#keep-confirm', SEND]);
    await page.locator(SEND).click();
    await page.locator('#keep-summary').waitFor({ state: 'visible' });
    await checkView(page, 'keep-error', [QUICK_EXIT, '#keep-summary a']);
    await page
      .locator('#keep-confirm')
      .fill(((await page.locator('#keep-code').textContent()) ?? '').slice(-5));
    await page.locator(SEND).click();
    await page.locator('#receipt-view').waitFor({ state: 'visible' });
    await checkView(page, 'receipt', [
      QUICK_EXIT,
      '#receipt-copy',
      '#receipt-save',
      '#receipt-kept',
    ]);
    await confirmKept(page);

    await page.goto(`${portal.base}/follow-up`);
    await settle(page);
    await page.locator('#receipt').fill(receipt);
    await page.locator('#lookup-form button[type="submit"]').click();
    await page
      .locator('#case-view:visible, #lookup-error:visible')
      .first()
      .waitFor({ state: 'visible' });
    const lookupError = (await page.locator('#lookup-error').textContent()) ?? '';
    expect(lookupError, 'the receipt opens the case').toBe('');
    await page.locator('#case-messages .message-report').waitFor();
    await checkView(page, 'follow-up-case', [
      QUICK_EXIT,
      '#message-form button[type="submit"]',
      '#ret-form button[type="submit"]',
    ]);
    expect(problems).toEqual([]);
  });

  it('supervisor views: every tab of each role, and a case', { timeout: 360_000 }, async () => {
    /** Every view the role's navigation offers, each checked in both languages. */
    const everyTab = async (page: Page, role: string) => {
      const tabs = await page
        .locator('#work-nav a:visible')
        .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).hash));
      expect(tabs.length, `${role} has tabs`).toBeGreaterThan(0);
      for (const hash of tabs) {
        await page.locator(`#work-nav a[href="${hash}"]`).click();
        await page.locator('main > section:not([hidden]) h1').first().waitFor();
        await settle(page);
        await page.waitForTimeout(200); // let the view's first request render
        await checkView(page, `${role}-${hash.slice(1)}`, ['#sign-out']);
      }
    };
    const { page, problems } = await open('en-US');
    await signIn(page, 'basic-supervisor', '#inbox-view');
    await page.locator('#inbox-rows tr a').first().waitFor();
    await checkView(page, 'inbox', ['#sign-out', '#inbox-rows a']);
    await page.locator('#inbox-rows tr a').first().click();
    await page.locator('#case-view').waitFor({ state: 'visible' });
    await page.locator('#case-messages .message-report .badge-ok').waitFor();
    await page.locator('#access-rows tr').first().waitFor();
    await checkView(page, 'case', [
      '#reply-form button[type="submit"]',
      '#state-form button[type="submit"]',
    ]);
    await everyTab(page, 'supervisor');

    const admin = await open('en-US');
    await signIn(admin.page, 'admin', '#admin-view');
    await admin.page.locator('#approved-list *').first().waitFor();
    await everyTab(admin.page, 'admin');

    const auditor = await open('zh-CN');
    await signIn(auditor.page, 'auditor', '#audit-view');
    await auditor.page.locator('#audit-rows tr').first().waitFor();
    await everyTab(auditor.page, 'auditor');
    expect([...problems, ...admin.problems, ...auditor.problems]).toEqual([]);
  });

  it('keyboard: focus moves in order through every control of the report form, always visibly', async () => {
    const { page } = await open('en-US');
    await page.goto(`${portal.base}/report`);
    await settle(page);
    await page.locator('input[name="unit"]').first().waitFor();
    // The tab stops the page should have, in document order; a radio group is one stop.
    const expected = await page.evaluate(() => {
      const seen = new Set<string>();
      const all = document.querySelectorAll<HTMLElement>(
        'a[href], button, input, select, textarea, summary, [tabindex]',
      );
      return [...all]
        .filter((el) => {
          if (el.tabIndex < 0 || (el as HTMLInputElement).disabled) return false;
          if (el.closest('[hidden]') || !el.checkVisibility()) {
            return el.classList.contains('skip-link'); // shown only when focused
          }
          if (el instanceof HTMLInputElement && el.type === 'radio') {
            if (seen.has(el.name)) return false;
            seen.add(el.name);
          }
          return true;
        })
        .map((el, i) => {
          el.dataset.tabStop = String(i);
          return String(i);
        });
    });
    expect(expected.length).toBeGreaterThan(15);
    // Unfocused look of each stop, to compare with the focused look.
    const look = (el: Element) => {
      const s = getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`;
    };
    const unfocused = await page.evaluate((fn) => {
      const lookOf = new Function(`return (${fn})`)() as (el: Element) => string;
      return Object.fromEntries(
        [...document.querySelectorAll<HTMLElement>('[data-tab-stop]')].map((el) => [
          el.dataset.tabStop,
          lookOf(el),
        ]),
      );
    }, look.toString());
    const visited: string[] = [];
    const invisible: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      await page.keyboard.press('Tab');
      const state = await page.evaluate((fn) => {
        const lookOf = new Function(`return (${fn})`)() as (el: Element) => string;
        const el = document.activeElement as HTMLElement | null;
        if (!el) return null;
        const s = getComputedStyle(el);
        const ring =
          (s.outlineStyle !== 'none' && Number.parseFloat(s.outlineWidth) >= 2) ||
          s.boxShadow !== 'none';
        return {
          stop: el.dataset.tabStop ?? `${el.tagName}#${el.id}`,
          look: lookOf(el),
          ring,
          what: `${el.tagName.toLowerCase()}#${el.id || el.textContent?.trim().slice(0, 20)}`,
        };
      }, look.toString());
      if (!state) break;
      visited.push(state.stop);
      if (!state.ring || state.look === unfocused[state.stop])
        invisible.push(`${state.what}: ${state.look}`);
    }
    expect(visited).toEqual(expected);
    expect(invisible, 'controls without a visible focus indicator').toEqual([]);
  });

  it('keyboard: a report can be completed and sent without a mouse', async () => {
    const { page, problems } = await open('en-US');
    await page.goto(`${portal.base}/report`);
    await settle(page);
    await page.locator('input[name="unit"]').first().waitFor();
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector))
          return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo('input[name="unit"]');
    await page.keyboard.press('Space');
    expect(await page.locator('input[name="unit"]:checked').count()).toBe(1);
    await tabTo('#category');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#category').inputValue()).not.toBe('');
    await tabTo('#what');
    await page.keyboard.type('Typed with the keyboard only.');
    await tabTo('#report-form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.locator('#keep-view').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('keep-title');
    const code = ((await page.locator('#keep-code').textContent()) ?? '').trim();
    await tabTo('#keep-confirm');
    await page.keyboard.type(code.slice(-5).toLowerCase());
    await page.keyboard.press('Enter');
    await page.locator('#receipt-view').waitFor({ state: 'visible' });
    // Focus lands on the result, so the receipt is announced.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('receipt-title');
    await tabTo('#receipt-kept');
    await page.keyboard.press('Enter');
    await page.locator('#receipt-done').waitFor({ state: 'visible' });
    await shot(page, 'a11y-keyboard-receipt');
    expect(problems).toEqual([]);
  });
});
