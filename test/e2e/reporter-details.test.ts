// The smaller promises of the reporter's and the supervisor's pages, in Chromium: the quick exit's
// shortcut written on the reporter's pages, the file picker that never says "No file chosen" beside
// chosen files, errors all at once on the follow-up forms, replies marked new only since the last
// visit, pseudonyms and one word for the role in Chinese, the sign-in that asks for the key's
// passphrase without saying there is none, the inbox whole on a phone, statistics without sideways
// scrolling at 1280 px, and the audit view naming who acted and where.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';
import { callApi, type Fetcher } from '../../src/client/api';
import { submitReport } from '../../src/client/reporter';
import { fetchCase, inbox, sendReply, signIn } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { formatReceipt, unlockPrivateKey } from '../../src/crypto';
import { withCookies } from '../helpers/scenario';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { DESKTOP, expectLanguage, expectNoAxeViolations, NARROW } from './helpers/checks';
import { DEMO_PASSPHRASE, type DemoKey } from './helpers/portal';
import { hasAttribute, hasText } from './helpers/wait';

const portal = useBrowserPortal();
let receipt = '';
let caseId = '';
let units: UnitView[] = [];

const fill = (text: string, vars: Record<string, string | number>) =>
  Object.entries(vars).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), text);

async function supervisorApi(key: DemoKey) {
  const fetcher = withCookies((path, init) => fetch(new URL(path, portal.base), init));
  const armored = await readFile(portal.keyFile(key), 'utf8');
  return signIn(fetcher, await unlockPrivateKey(armored, DEMO_PASSPHRASE), portal.base);
}

/** The portal's own database file, for the few facts a test must date in the past. */
async function sql(statement: string, args: (string | number)[] = []): Promise<void> {
  const db = createClient({ url: `file:${join(portal.dataDir, 'portal.db')}` });
  try {
    await db.execute({ sql: statement, args });
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const fetcher: Fetcher = (path, init) => fetch(new URL(path, portal.base), init);
  units = (await callApi<{ units: UnitView[] }>(fetcher, '/api/units')).units;
  const sent = await submitReport(fetcher, {
    units,
    unitId: units.find((u) => u.level === 'basic')!.id,
    copyToParent: false,
    report: {
      category: 'improper_contact',
      whatHappened: 'A lawyer dined with the panel.',
      when: '',
      where: '',
      who: '',
      howKnown: '',
    },
    files: [],
  });
  receipt = formatReceipt(sent.receipt);
  // The supervisor opens it (so the reporter sees a pseudonym) and answers twice.
  const s = await supervisorApi('basic-supervisor');
  caseId = (await inbox(s)).items[0]!.id;
  await sendReply(s, await fetchCase(s, caseId), 'An older answer.');
  await sendReply(s, await fetchCase(s, caseId), 'A newer answer.');
}, 120_000);
async function open(locale: 'en-US' | 'zh-CN', viewport = DESKTOP) {
  const context = await portal.browser.context({ locale, viewport });
  const page = await context.newPage();
  return { page, problems: watchPage(page) };
}

async function openCase(page: Page): Promise<void> {
  await page.goto(`${portal.base}/follow-up`);
  await page.locator('#receipt').fill(receipt);
  await page.locator('#lookup-form button[type="submit"]').click();
  await page.locator('#case-view').waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('#case-messages .message-reply').first().waitFor();
}

async function signInPage(page: Page, key: DemoKey, view: string): Promise<void> {
  await page.goto(`${portal.base}/supervisor`);
  await page.setInputFiles('#key-file', portal.keyFile(key));
  await page.locator('#key-info[data-i18n="sup.signIn.loaded"]').waitFor();
  await page.locator('#passphrase').fill(DEMO_PASSPHRASE);
  await page.locator('#signin-form button[type="submit"]').click();
  await page.locator(view).waitFor({ state: 'visible' });
}

async function switchTo(page: Page, lang: 'en' | 'zh'): Promise<void> {
  await page.locator('#lang-switch').click();
  await hasAttribute(page.locator('html'), 'lang', lang === 'zh' ? 'zh-CN' : 'en');
}

/** A box that must show all it holds: nothing cut off or scrolled away sideways. */
async function overflow(page: Page, selector: string) {
  return page
    .locator(selector)
    .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
}

describe('the smaller things, in both languages', { timeout: 300_000 }, () => {
  it('reporter pages: the quick exit shortcut is written on each, and the file picker never says "No file chosen" beside chosen files', async () => {
    for (const [locale, catalogue] of [
      ['en-US', en],
      ['zh-CN', zh],
    ] as const) {
      const { page, problems } = await open(locale);
      for (const path of ['/report', '/follow-up']) {
        await page.goto(`${portal.base}${path}`);
        await hasText(page.locator('#exit-hint'), catalogue['exit.hint']);
        expect(await page.locator('#exit-hint').isVisible()).toBe(true);
        // The quick exit's own description points at the hint, so it is read with it.
        expect(
          await page.locator('header [data-quick-exit]').getAttribute('aria-describedby'),
        ).toBe('exit-hint');
      }
      await page.goto(`${portal.base}/report`);
      await page.setInputFiles('#report-files', [
        { name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.alloc(2048, 0x61) },
        { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(3 * 1024 * 1024) },
      ]);
      const list = page.locator('#report-file-list');
      await hasText(list, 'minutes.txt (2 KB)');
      await hasText(list, 'photo.jpg (3.0 MB)');
      // The input's own text ("No file chosen", "未选择任何文件") is not drawn; its button is.
      const colours = await page.locator('#report-files').evaluate((el) => ({
        text: getComputedStyle(el).color,
        button: getComputedStyle(el, '::file-selector-button').color,
      }));
      expect(colours.text).toBe('rgba(0, 0, 0, 0)');
      expect(colours.button).not.toBe('rgba(0, 0, 0, 0)');
      // A screen reader still hears the input's own value (it is emptied so the same file can be
      // chosen again, and so no path stays in it); its description reads the chosen files after it.
      const described = await page.evaluate(() => {
        const ids = document.getElementById('report-files')?.getAttribute('aria-describedby');
        return (ids ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ');
      });
      expect(described).toContain('minutes.txt');
      expect(described).toContain('photo.jpg');
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });

  it('follow-up (zh): every missing field at once in a focused summary, replies new only since the last visit, pseudonyms in Chinese', async () => {
    // The reporter last looked on a day after the older reply was written and before the newer.
    await sql(
      `update messages set day = '2026-01-05' where id = (select id from messages
         where report_id = ? and kind = 'reply' order by position limit 1)`,
      [caseId],
    );
    await sql(`update reports set last_seen_day = '2026-02-01' where id = ?`, [caseId]);
    const { page, problems } = await open('zh-CN');
    await openCase(page);
    const replies = page.locator('#case-messages .message-reply');
    await hasText(replies.nth(0), 'An older answer.');
    await hasText(replies.nth(1), 'A newer answer.');
    expect(await replies.nth(0).locator('.badge-new').count()).toBe(0);
    await hasText(replies.nth(1).locator('.badge-new'), zh['msg.new']);
    await hasText(page.locator('#case-new-note'), fill(zh['msg.newSince'], { day: '2026-02-01' }));

    // Who opened it: a pseudonym, in Chinese, with the one word for the role.
    const s = await supervisorApi('basic-supervisor');
    const code = s.supervisor.pseudonym.replace('Supervisor ', '');
    await hasText(page.locator('#case-summary'), fill(zh['common.pseudonym'], { code }));
    expect(await page.locator('#case-summary').textContent()).not.toContain('Supervisor ');
    // Who reads what is sent next: unit and pseudonym joined with Chinese punctuation.
    const basic = units.find((u) => u.level === 'basic')!;
    await hasText(
      page.locator('#case-summary li'),
      fill(zh['case.readerLine'], {
        unit: basic.nameZh,
        who: fill(zh['common.pseudonym'], { code }),
      }),
    );

    // Retaliation flag sent empty: both problems named at once, focus on the summary.
    await page.locator('#ret-form button[type="submit"]').click();
    const summary = page.locator('#ret-summary');
    await summary.waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('ret-summary');
    expect(await summary.locator('a').allTextContents()).toEqual([
      zh['compose.ret.error.kind'],
      zh['compose.ret.error.details'],
    ]);
    await hasAttribute(page.locator('#ret-details'), 'aria-invalid', 'true');
    expect(await page.locator('#ret-details').getAttribute('aria-describedby')).toContain(
      'ret-details-error',
    );
    await page.locator('#ret-kind').selectOption('threats');
    expect(await summary.locator('a').allTextContents()).toEqual([zh['compose.ret.error.details']]);
    expect(await page.locator('#ret-kind').getAttribute('aria-invalid')).toBeNull();
    // A message with neither words nor files is refused where the eye is, too.
    await page.locator('#message-form button[type="submit"]').click();
    await page.locator('#message-summary').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message-summary');
    expect(await page.locator('#message-summary a').allTextContents()).toEqual([
      zh['compose.message.error'],
    ]);
    await expectLanguage(page, 'zh', 'follow-up with errors (zh)');
    await expectNoAxeViolations(page, 'follow-up with errors (zh)');
    await shot(page, 'reporter-details-follow-up-zh');
    expect(problems).toEqual([]);
  });

  it('one Chinese word for the supervisors’ role, and their pseudonyms translated on their own page', async () => {
    const role = /督察人员|督察员|监察人员/;
    expect(Object.values(zh).filter((text) => role.test(text))).toEqual([]);
    expect(Object.values(zh).filter((text) => text.includes('监督人员')).length).toBeGreaterThan(
      10,
    );
    const s = await supervisorApi('basic-supervisor');
    const code = s.supervisor.pseudonym.replace('Supervisor ', '');
    const { page, problems } = await open('zh-CN');
    await page.goto(`${portal.base}/report`);
    await page.locator('input[name="unit"]').first().waitFor();
    expect(await page.locator('body').textContent()).not.toMatch(role);
    await signInPage(page, 'basic-supervisor', '#inbox-view');
    await hasText(page.locator('#who'), fill(zh['common.pseudonym'], { code }));
    await page.locator(`#inbox-rows a[href="#case/${caseId}"]`).click();
    await page.locator('#access-rows tr').first().waitFor();
    await hasText(page.locator('#access-rows'), fill(zh['common.pseudonym'], { code }));
    expect(await page.locator('#access-rows').textContent()).not.toContain('Supervisor ');
    // The replies name their author by pseudonym, in Chinese too.
    await hasText(
      page.locator('#case-messages .message-reply').first(),
      fill(zh['common.pseudonym'], { code }),
    );
    expect(await page.locator('#case-messages').textContent()).not.toContain('Supervisor ');
    expect(await page.locator('body').textContent()).not.toMatch(role);
    expect(problems).toEqual([]);
  });

  it('supervisor sign-in asks for the key’s passphrase and never says there is none (en, zh)', async () => {
    const { page, problems } = await open('en-US');
    await page.goto(`${portal.base}/supervisor`);
    await page.locator('#signin-view h1').waitFor();
    for (const lang of ['en', 'zh'] as const) {
      if (lang === 'zh') await switchTo(page, 'zh');
      const catalogue = lang === 'zh' ? zh : en;
      const text = (await page.locator('#signin-view').textContent()) ?? '';
      const label = (await page.locator('label[for="passphrase"]').textContent()) ?? '';
      expect(label).toBe(catalogue['sup.signIn.passphrase']);
      // The word the field uses is the word the introduction uses.
      const word = lang === 'zh' ? '口令' : 'passphrase';
      expect(label.toLowerCase()).toContain(word);
      expect(await page.locator('#signin-view .lead').textContent()).toContain(word);
      // "Password" only ever as the account password there is none of, never the key's.
      const passwords =
        lang === 'zh'
          ? [...text.matchAll(/(.{0,2})密码/g)]
          : [...text.matchAll(/(\w+\s+)password/gi)];
      expect(passwords.length).toBeGreaterThan(0);
      for (const m of passwords) expect(m[1]!.trim()).toBe(lang === 'zh' ? '账户' : 'account');
    }
    expect(problems).toEqual([]);
  });

  it('the inbox on a phone shows every value of every case on screen (en, zh)', async () => {
    const { page, problems } = await open('en-US', NARROW);
    await signInPage(page, 'basic-supervisor', '#inbox-view');
    await page.locator('#inbox-rows tr a').first().waitFor();
    for (const lang of ['en', 'zh'] as const) {
      if (lang === 'zh') await switchTo(page, 'zh');
      const wrap = await overflow(page, '#inbox-view .table-wrap');
      expect(wrap.scroll, `inbox (${lang}) scrolls inside its box`).toBeLessThanOrEqual(
        wrap.client,
      );
      const cells = page.locator('#inbox-rows tr').first().locator('td');
      expect(await cells.count()).toBe(6);
      for (let i = 0; i < 6; i++) {
        const cell = cells.nth(i);
        await cell.scrollIntoViewIfNeeded();
        const box = await cell.boundingBox();
        expect(box, `cell ${i} shown`).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(NARROW.width + 0.5);
        // Each value is led by its column's name, in the page's language.
        const name = await cell.evaluate((el) =>
          getComputedStyle(el, '::before').content.replaceAll('"', ''),
        );
        expect(name).toBe(await cell.getAttribute('data-label'));
        expect(name).not.toBe('');
      }
      await cells.first().locator('a').click({ trial: true });
      await expectLanguage(page, lang, `inbox on a phone (${lang})`);
      await expectNoAxeViolations(page, `inbox on a phone (${lang})`);
      await shot(page, `reporter-details-inbox-phone-${lang}`);
    }
    expect(problems).toEqual([]);
  });

  it('statistics fit a 1280 px screen without sideways scrolling, public and administrators’ (en, zh)', async () => {
    // Figures of ended quarters for every unit, as deleted cases leave them, published.
    await sql('update units set publish_stats = 1');
    let n = 0;
    for (const unit of units)
      for (const day of ['2025-02-10', '2025-05-10', '2025-08-10', '2025-11-10'])
        for (let i = 0; i < 6; i++)
          await sql(
            `insert into case_stats (id, unit_id, classification, received_day, acknowledged_in_time, outcome, closed_day)
             values (?, ?, 'bribery', ?, 1, 'substantiated', ?)`,
            [`stats-fixture-${n++}`, unit.id, day, day],
          );
    const check = async (page: Page, wrap: string, where: string) => {
      for (const lang of ['en', 'zh'] as const) {
        if (lang === 'zh') await switchTo(page, 'zh');
        await page.locator(`${wrap} tbody tr`).first().waitFor();
        expect(await page.locator(`${wrap} tbody tr`).count()).toBeGreaterThanOrEqual(12);
        await shot(page, `reporter-details-${where}-1280-${lang}`);
        const box = await overflow(page, wrap);
        expect(box.scroll, `${where} (${lang}) scrolls sideways at 1280 px`).toBeLessThanOrEqual(
          box.client,
        );
        const doc = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        expect(doc[0]).toBeLessThanOrEqual(doc[1]!);
        await expectLanguage(page, lang, `${where} (${lang})`);
        await expectNoAxeViolations(page, `${where} with figures (${lang})`);
      }
    };
    const pub = await open('en-US');
    await pub.page.goto(`${portal.base}/stats`);
    await check(pub.page, '#stats-table', 'public-stats');
    const admin = await open('en-US');
    await signInPage(admin.page, 'admin', '#admin-view');
    await admin.page.locator('#nav-stats').click();
    await check(admin.page, '#stats-admin-table', 'admin-stats');
    expect([...pub.problems, ...admin.problems]).toEqual([]);
  });

  it('the audit view names who acted and where, in the page’s language', async () => {
    const admin = await supervisorApi('admin');
    const { page, problems } = await open('zh-CN');
    await signInPage(page, 'auditor', '#audit-view');
    await page.locator('#audit-rows tr').first().waitFor();
    const rows = page.locator('#audit-rows tr');
    await hasText(rows, admin.supervisor.displayName);
    const basic = units.find((u) => u.level === 'basic')!;
    await hasText(rows, basic.nameZh);
    expect((await rows.allTextContents()).join('\n')).not.toContain(basic.name);
    await switchTo(page, 'en');
    await hasText(rows, basic.name);
    expect(problems).toEqual([]);
  });
});
