// Clear states in Chromium: progress while a large file is encrypted and uploaded, errors that
// say what to do next (a file over the limit, a portal that cannot be reached), the quick exit
// on every reporter page, and the receipt page's advice on keeping the code and using Tor.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';
import { type Browser, launchBrowser, shot, watchPage } from './helpers/browser';
import { type Portal, startPortal } from './helpers/portal';
import { hasAttribute } from './helpers/wait';

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  portal = await startPortal();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.dispose();
});

async function reportPage(locale: 'en-US' | 'zh-CN'): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.context({ locale });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(`${portal.base}/report`);
  await page.locator('input[name="unit"]:not(:disabled)').first().check();
  await page.locator('#category').selectOption('bribery');
  await page.locator('#what').fill('A clerk asked for money.');
  return { page, problems };
}

describe('clear states in Chromium', { timeout: 120_000 }, () => {
  it('shows progress while a 5 MB file is encrypted and uploaded, then the receipt advice (Chinese)', async () => {
    const { page, problems } = await reportPage('zh-CN');
    const big = Buffer.alloc(5 * 1024 * 1024, 0x61);
    await page.setInputFiles('#report-files', {
      name: 'recording.bin',
      mimeType: 'application/octet-stream',
      buffer: big,
    });
    // Record every message the progress line shows, as it shows it.
    await page.evaluate(() => {
      const el = document.getElementById('report-progress')!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        if (!el.hidden && el.dataset.i18n && el.checkVisibility())
          seen.push(`${el.dataset.i18n}|${el.getAttribute('role')}|${el.textContent}`);
      }).observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    await page.locator('#report-form button[type="submit"]').click();
    await page.locator('#receipt-view').waitFor({ state: 'visible', timeout: 40_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const keys = seen.map((s) => s.split('|')[0]);
    expect(keys).toContain('progress.encryptFile');
    expect(keys).toContain('progress.uploadFile');
    expect(seen.every((s) => s.split('|')[1] === 'status')).toBe(true); // announced politely
    expect(seen).toContain(
      `progress.uploadFile|status|${zh['progress.uploadFile'].replace('{current}', '1').replace('{total}', '1')}`,
    );
    expect(await page.locator('#report-progress').isHidden()).toBe(true);
    expect(await page.locator('#receipt-files-failed').isHidden()).toBe(true);
    // The receipt page: keep the code safe, come back with Tor Browser.
    const receiptText = (await page.locator('#receipt-view').textContent()) ?? '';
    for (const key of [
      'receipt.once',
      'receipt.advice.write',
      'receipt.advice.work',
      'receipt.advice.secret',
      'receipt.advice.tor',
    ] as const)
      expect(receiptText).toContain(zh[key]);
    expect(receiptText).toContain('Tor 浏览器');
    await shot(page, 'states-receipt-zh');
    expect(problems).toEqual([]);
  });

  it('refuses a file over 25 MB at once and says what to do', async () => {
    const { page } = await reportPage('en-US');
    await page.setInputFiles('#report-files', {
      name: 'too-big.mp4',
      mimeType: 'video/mp4',
      buffer: Buffer.alloc(25 * 1024 * 1024 + 1),
    });
    const status = page.locator('#report-files-status');
    await status.waitFor({ state: 'visible' });
    expect(await status.getAttribute('role')).toBe('alert');
    expect(await status.textContent()).toBe(en['files.tooBig'].replace('{name}', 'too-big.mp4'));
    expect(await status.textContent()).toContain('Reduce its size or split it');
    expect(await page.locator('#report-file-list li').count()).toBe(0);
    await shot(page, 'states-file-too-big');
  });

  it('a missing choice is named and focused', async () => {
    const context = await browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${portal.base}/report`);
    await page.locator('input[name="unit"]').first().waitFor();
    await page.locator('#report-form button[type="submit"]').click();
    await hasAttribute(page.locator('#report-error'), 'data-i18n', 'report.error.unit');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe(
      'unit',
    );
  });

  it('the quick exit is on every reporter page and leaves without a way back', async () => {
    const context = await browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    const pages = ['/', '/report', '/follow-up'];
    if ((await fetch(`${portal.base}/stats`)).ok) pages.push('/stats');
    for (const path of pages) {
      await page.goto(`${portal.base}${path}`);
      const exit = page.locator('header [data-quick-exit]');
      expect(await exit.isVisible(), `quick exit on ${path}`).toBe(true);
      expect(await exit.textContent()).toBe(en['exit.label']);
      expect(await exit.getAttribute('aria-label')).toBe(en['exit.aria']);
    }
    await page.goto(`${portal.base}/report`);
    await page.locator('#what').fill('Something I do not want seen');
    const before = await page.evaluate(() => history.length);
    await page.locator('header [data-quick-exit]').click();
    await page.waitForURL('about:blank');
    expect(await page.evaluate(() => history.length)).toBe(before); // replaced, not added
    // The keyboard way out: Escape twice.
    await page.goto(`${portal.base}/follow-up`);
    await page.locator('#receipt').fill('ABCDE');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForURL('about:blank');
  });

  it('says what to do when the portal cannot be reached, and keeps what was typed', async () => {
    const { page } = await reportPage('en-US');
    await portal.stop();
    await page.locator('#report-form button[type="submit"]').click();
    const error = page.locator('#report-error');
    await hasAttribute(error, 'data-i18n', 'error.network');
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.textContent()).toBe(en['error.network']);
    expect(await error.textContent()).toMatch(/try again/);
    expect(await page.locator('#what').inputValue()).toBe('A clerk asked for money.');
    expect(await page.locator('#report-form button[type="submit"]').isEnabled()).toBe(true);
    await shot(page, 'states-network-error');
  });
});
