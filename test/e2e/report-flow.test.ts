// The report page's promises in Chromium: the receipt code comes before anything is sent and must
// be typed back; the work runs in a worker; the page warns before leaving until the code is kept;
// a retry after a lost answer makes no second case; quick exit leaves nothing to go back to; and
// the follow-up page names the reporter's files and marks new replies (Chinese, on a phone).
import { readFile } from 'node:fs/promises';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';
import {
  decryptCase,
  downloadAttachment,
  fetchCase,
  inbox,
  sendReply,
  signIn,
} from '../../src/client/supervisor';
import { unlockPrivateKey } from '../../src/crypto';
import { withCookies } from '../helpers/scenario';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { DESKTOP, expectLanguage, expectNoAxeViolations, NARROW } from './helpers/checks';
import { DEMO_PASSPHRASE } from './helpers/portal';
import { CONTINUE, confirmKept, SEND, sendFromForm } from './helpers/report';
import { hasAttribute, hasText } from './helpers/wait';

const portal = useBrowserPortal();

async function supervisor() {
  const fetcher = withCookies((path, init) => fetch(new URL(path, portal.base), init));
  const armored = await readFile(portal.keyFile('basic-supervisor'), 'utf8');
  return signIn(fetcher, await unlockPrivateKey(armored, DEMO_PASSPHRASE), portal.base);
}

async function filledReport(locale: 'en-US' | 'zh-CN', viewport = DESKTOP) {
  const context = await portal.browser.context({ locale, viewport });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(`${portal.base}/report`);
  await page.locator('input[name="unit"]:not(:disabled)').first().waitFor();
  await page
    .getByRole('radio', { name: /District Basic Court|基层/ })
    .first()
    .check();
  await page.locator('#category').selectOption('interference');
  await page.locator('#what').fill('The president phoned the judge about case 17.');
  return { page, problems };
}

const posts = (page: Page) => {
  const seen: string[] = [];
  page.on('request', (r: Request) => {
    if (r.method() !== 'GET') seen.push(new URL(r.url()).pathname);
  });
  return seen;
};

describe('receipt first, whole submission, no loss', { timeout: 180_000 }, () => {
  it('shows the receipt before anything is sent, asks for its last group, seals in a worker and warns before leaving', async () => {
    const { page, problems } = await filledReport('en-US');
    const sent = posts(page);
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
    await page.locator(CONTINUE).click();
    await page.locator('#keep-view').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('keep-title');
    const code = ((await page.locator('#keep-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    // A wrong group is refused where the eye is, and nothing has been sent.
    await page.locator('#keep-confirm').fill('ZZZZZ');
    await page.locator(SEND).click();
    await page.locator('#keep-summary').waitFor({ state: 'visible' });
    await hasAttribute(page.locator('#keep-confirm'), 'aria-invalid', 'true');
    expect(sent).toEqual([]);
    // Back to the report keeps every word and the same code.
    await page.locator('#keep-back').click();
    expect(await page.locator('#what').inputValue()).toContain('case 17');
    await page.locator(CONTINUE).click();
    expect(((await page.locator('#keep-code').textContent()) ?? '').trim()).toBe(code);
    await page.locator('#keep-confirm').fill(` ${code.slice(-5).toLowerCase()} `);
    await page.locator(SEND).click();
    await page.locator('#receipt-view').waitFor({ state: 'visible', timeout: 60_000 });
    expect(sent).toEqual(['/api/reports']);
    expect(workers.some((w) => w.startsWith('/assets/seal-worker.'))).toBe(true);
    expect(((await page.locator('#receipt-code').textContent()) ?? '').trim()).toBe(code);
    // Nothing on the page competes with keeping the code: no link away until it is kept.
    expect(await page.locator('#receipt-view a:visible').count()).toBe(0);
    // Leaving now asks first; staying keeps the receipt on screen.
    const asked: string[] = [];
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => {
      asked.push(d.type());
      void d.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => asked).toEqual(['beforeunload']);
    expect(page.isClosed()).toBe(false);
    expect(await page.locator('#receipt-code').isVisible()).toBe(true);
    await confirmKept(page);
    await page.goto(`${portal.base}/`);
    expect(asked).toEqual(['beforeunload']); // no second question once the code is kept
    expect(problems).toEqual([]);
  });

  it('a retry after a lost answer gets the same case, never a second one', async () => {
    const s = await supervisor();
    const before = (await inbox(s)).items.length;
    const { page, problems } = await filledReport('en-US');
    await page.setInputFiles('#report-files', {
      name: 'ledger.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('ledger lines'),
    });
    // The portal stores the report, but its answer never reaches the page.
    let lose = true;
    await page.route('**/api/reports', async (route) => {
      if (!lose) return route.continue();
      lose = false;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.locator(CONTINUE).click();
    const code = ((await page.locator('#keep-code').textContent()) ?? '').trim();
    await page.locator('#keep-confirm').fill(code.slice(-5));
    await page.locator(SEND).click();
    await hasAttribute(page.locator('#send-error'), 'data-i18n', 'error.network');
    await hasText(page.locator('#send-failed'), en['send.retryHelp']);
    // Meanwhile the case is a draft: its file is not in, so no supervisor sees it.
    expect((await inbox(s)).items.length).toBe(before);
    await shot(page, 'flow-lost-answer');
    await page.locator('#send-retry').click();
    await page.locator('#receipt-view').waitFor({ state: 'visible', timeout: 60_000 });
    expect(((await page.locator('#receipt-code').textContent()) ?? '').trim()).toBe(code);
    expect((await inbox(s)).items.length).toBe(before + 1);
    await confirmKept(page);
    expect(problems).toEqual([]);
  });

  it('quick exit is documented, leaves at once, and Back does not bring the draft back', async () => {
    const context = await portal.browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${portal.base}/`);
    await hasText(page.locator('#exit-hint'), en['exit.hint']);
    await page.goto(`${portal.base}/report`);
    await page.locator('#what').fill('A draft nobody should bring back');
    await page.locator('header [data-quick-exit]').click();
    await page.waitForURL('about:blank');
    await page.goBack();
    // Back leads to the page before the report (the home page here), never to the form.
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goForward().catch(() => undefined);
    expect(await page.locator('#what').count()).toBe(0);
  });

  it('on a phone in Chinese: names the reporter’s files with real sizes and marks a new reply', async () => {
    const { page, problems } = await filledReport('zh-CN', NARROW);
    await page.setInputFiles('#report-files', {
      name: '会议记录.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(3000, 0x61),
    });
    await expectNoAxeViolations(page, 'report form on a phone (zh)');
    const receipt = await sendFromForm(page);
    await expectLanguage(page, 'zh', 'receipt on a phone');
    await expectNoAxeViolations(page, 'receipt on a phone (zh)');
    await confirmKept(page);
    const s = await supervisor();
    // The inbox holds the other tests' cases too: every one gets a reply.
    for (const item of (await inbox(s)).items)
      await sendReply(s, await fetchCase(s, item.id), 'We have opened an inquiry.');

    await page.goto(`${portal.base}/follow-up`);
    await page.locator('#receipt').fill(receipt);
    await page.locator('#lookup-form button[type="submit"]').click();
    await page.locator('#case-view').waitFor({ state: 'visible', timeout: 30_000 });
    const report = page.locator('#case-messages .message-report');
    await hasText(
      report,
      zh['msg.downloadNamed'].replace('{name}', '会议记录.txt').replace('{size}', '3 KB'),
    );
    const reply = page.locator('#case-messages .message-reply');
    await hasText(reply.locator('.badge-new'), zh['msg.new']);
    await expectLanguage(page, 'zh', 'follow-up on a phone');
    await expectNoAxeViolations(page, 'follow-up on a phone (zh)');
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
    await shot(page, 'flow-follow-up-phone-zh');
    // Files alone are a message: no words needed. They are sealed in the worker, as the report's.
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
    await page.setInputFiles('#message-files', {
      name: 'photo.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('photo'),
    });
    await page.locator('#message-form button[type="submit"]').click();
    await page
      .locator('#case-status[data-i18n="compose.message.sent"]')
      .waitFor({ timeout: 30_000 });
    expect(workers.some((w) => w.startsWith('/assets/seal-worker.'))).toBe(true);
    const mine = (await inbox(s)).items.map((i) => i.id);
    const files: string[] = [];
    for (const id of mine) {
      const c = await fetchCase(s, id);
      const last = (await decryptCase(s, c)).at(-1);
      if (last?.kind !== 'message') continue;
      const got = await downloadAttachment(s, c, 'message', last.attachments[0]!.id);
      files.push(`${got.meta.name}:${new TextDecoder().decode(got.bytes)}`);
    }
    expect(files).toEqual(['photo.txt:photo']);
    expect(problems).toEqual([]);
  });
});
