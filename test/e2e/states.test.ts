// Clear states in Chromium: progress while a large file is encrypted and uploaded, errors that
// say what to do next (a file over the limit, a portal that cannot be reached), the quick exit
// on every reporter page, and the receipt page's advice on keeping the code and using Tor.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';
import { shot, watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { CONTINUE, confirmKept, sendFromForm } from './helpers/report';
import { hasAttribute } from './helpers/wait';

// A 25 MB limit (the default is 2048 MB), so a file over it stays quick to choose.
const portal = useBrowserPortal({ env: { MAX_ATTACHMENT_MB: '25' } });

async function reportPage(locale: 'en-US' | 'zh-CN'): Promise<{ page: Page; problems: string[] }> {
  const context = await portal.browser.context({ locale });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(`${portal.base}/report`);
  await page.locator('input[name="unit"]:not(:disabled)').first().check();
  await page.locator('#category').selectOption('bribery');
  await page.locator('#what').fill('A clerk asked for money.');
  return { page, problems };
}

describe('clear states in Chromium', { timeout: 120_000 }, () => {
  it('shows one bar with worded steps while a 5 MB file is encrypted and uploaded, then the receipt advice (Chinese)', async () => {
    const { page, problems } = await reportPage('zh-CN');
    const big = Buffer.alloc(5 * 1024 * 1024, 0x61);
    await page.setInputFiles('#report-files', {
      name: 'recording.bin',
      mimeType: 'application/octet-stream',
      buffer: big,
    });
    // Record every step the progress line shows and the bar's value at that moment.
    await page.evaluate(() => {
      const el = document.getElementById('send-step')!;
      const bar = document.getElementById('send-bar') as HTMLProgressElement;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        if (el.dataset.i18n) seen.push(`${el.dataset.i18n}|${bar.value}|${el.textContent}`);
      }).observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    // The page's long tasks while it sends: a measurement for the record, not a pass mark.
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(Math.round(e.duration));
      }).observe({ type: 'longtask' });
    });
    await sendFromForm(page);
    const longTasks = await page.evaluate(
      () => (window as unknown as { longTasks: number[] }).longTasks,
    );
    console.log(`report page long tasks while sending 5 MB (ms): ${JSON.stringify(longTasks)}`);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const keys = seen.map((s) => s.split('|')[0]);
    for (const key of ['send.step.keys', 'send.step.encrypt', 'send.step.check'])
      expect(keys).toContain(key);
    expect(keys).toContain('send.step.encryptFile');
    expect(keys.some((k) => k?.startsWith('send.step.upload'))).toBe(true);
    expect(keys.at(-1)).toBe('send.step.done');
    // The bar only moves forward, and ends full.
    const values = seen.map((s) => Number(s.split('|')[1]));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(100);
    // Sizes in megabytes, in Chinese, with nothing that means nothing to a reporter.
    expect(seen.some((s) => s.includes('MB') && s.includes('正在发送第 1 个文件'))).toBe(true);
    expect(seen.join('\n')).not.toMatch(/tries|次）/);
    expect(await page.locator('#send-step').getAttribute('role')).toBe('status');
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
    await confirmKept(page);
    expect(problems).toEqual([]);
  });

  it('refuses a file over 25 MB at once and says what to do', async () => {
    const { page } = await reportPage('en-US');
    // 25 MB through the DevTools protocol: slow on a busy machine, so a longer wait than usual.
    await page.setInputFiles(
      '#report-files',
      { name: 'too-big.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(25 * 1024 * 1024 + 1) },
      { timeout: 120_000 },
    );
    const status = page.locator('#report-files-status');
    await status.waitFor({ state: 'visible' });
    expect(await status.getAttribute('role')).toBe('alert');
    expect(await status.textContent()).toBe(
      en['files.tooBig'].replace('{name}', 'too-big.mp4').replace('{max}', '25.0 MB'),
    );
    expect(await status.textContent()).toContain('Reduce its size or split it');
    expect(await page.locator('#report-file-list li').count()).toBe(0);
    await shot(page, 'states-file-too-big');
  });

  it('names every missing field at once in a focused summary that links to each, and clears each as it is fixed', async () => {
    const context = await portal.browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${portal.base}/report`);
    await page.locator('input[name="unit"]').first().waitFor();
    await page.locator(CONTINUE).click();
    const summary = page.locator('#report-summary');
    await summary.waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('report-summary');
    expect(await summary.locator('a').allTextContents()).toEqual([
      en['report.error.unit'],
      en['report.error.category'],
      en['report.error.what'],
    ]);
    for (const [id, error] of [
      ['category', 'category-error'],
      ['what', 'what-error'],
    ] as const) {
      await hasAttribute(page.locator(`#${id}`), 'aria-invalid', 'true');
      expect(await page.locator(`#${id}`).getAttribute('aria-describedby')).toContain(error);
    }
    // A summary link moves focus to its field.
    await summary.getByRole('link', { name: en['report.error.what'] }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('what');
    // Fixing a field clears its error and its summary line; the others stay.
    await page.locator('#what').fill('Something happened.');
    expect(await page.locator('#what').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#what-error').isHidden()).toBe(true);
    expect(await summary.locator('a').count()).toBe(2);
    // Choosing a unit clears the mark on every unit, not only the chosen one.
    await page.locator('input[name="unit"]:not(:disabled)').nth(1).check();
    expect(await page.locator('input[name="unit"][aria-invalid]').count()).toBe(0);
    await page.locator('#category').selectOption('other');
    expect(await summary.isHidden()).toBe(true);
    await shot(page, 'states-errors-fixed');
  });

  it('the quick exit is on every reporter page and leaves without a way back', async () => {
    const context = await portal.browser.context({ locale: 'en-US' });
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
    await page.locator(CONTINUE).click();
    const code = ((await page.locator('#keep-code').textContent()) ?? '').trim();
    await page.locator('#keep-confirm').fill(code.slice(-5));
    await page.locator('#keep-form button[type="submit"]').click();
    const error = page.locator('#send-error');
    await hasAttribute(error, 'data-i18n', 'error.network');
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.textContent()).toBe(en['error.network']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send-retry');
    expect(await page.locator('#what').inputValue()).toBe('A clerk asked for money.');
    await shot(page, 'states-network-error');
    // Quick exit still leaves at once, without the leave question.
    await page.locator('header [data-quick-exit]').click();
    await page.waitForURL('about:blank');
  });
});
