// The follow-up page in Chromium: a message with a 6 MB file is sealed chunk by chunk in the Web
// Worker; when a chunk is refused on the way, the message is kept unfinished (supervisors see
// nothing), the page offers to finish it, and choosing the same file again finishes it from the
// chunk the server lacks. Both languages' strings exist for the new section (checked by i18n).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { watchPage } from '../e2e/helpers/browser';
import { useBrowserPortal } from '../e2e/helpers/browser-portal';
import { confirmKept, sendFromForm } from '../e2e/helpers/report';

const portal = useBrowserPortal();

async function newReceipt(page: Page): Promise<string> {
  await page.goto(`${portal.base}/report`);
  await page.locator('input[name="unit"]:not(:disabled)').first().check();
  await page.locator('#category').selectOption('bribery');
  await page.locator('#what').fill('A clerk asked for money.');
  const receipt = await sendFromForm(page);
  await confirmKept(page);
  return receipt;
}

const file = {
  name: 'hand-over.bin',
  mimeType: 'application/octet-stream',
  buffer: Buffer.alloc(6 * 1024 * 1024, 0x5a),
};

describe('an unfinished follow-up message in Chromium', { timeout: 240_000 }, () => {
  it('is kept unfinished when a chunk fails, and finished with the same file', async () => {
    const context = await portal.browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchPage(page);
    const receipt = await newReceipt(page);
    await page.goto(`${portal.base}/follow-up`);
    await page.getByLabel('Receipt code').fill(receipt);
    await page.getByRole('button', { name: 'Open my report' }).click();
    await page.locator('#case-view').waitFor({ state: 'visible' });
    await expect(page.locator('#unfinished').isHidden()).resolves.toBe(true);

    // The second chunk is refused once: the client does not retry a 4xx, so the send fails.
    let refused = 0;
    await page.route('**/api/uploads/*/chunks/1', async (route) => {
      refused++;
      await route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'invalid_request', message: 'x', requestId: 'r' } }),
      });
    });
    await page.locator('#message-text').fill('The recording of the hand-over.');
    await page.setInputFiles('#message-files', file);
    await page.getByRole('button', { name: 'Encrypt and send message' }).click();
    await page
      .locator('#message-error[data-i18n="compose.unfinished"]')
      .waitFor({ timeout: 120_000 });
    expect(refused).toBe(1);
    // The sealing ran in the page's Web Worker, not on its thread.
    expect(page.workers().length).toBeGreaterThanOrEqual(1);
    await page.locator('#unfinished').waitFor({ state: 'visible' });
    await expect(page.locator('#unfinished-list').textContent()).resolves.toContain(file.name);
    // Nothing of it is in the case yet.
    await expect(page.locator('#case-messages > li').count()).resolves.toBe(1);

    await page.unroute('**/api/uploads/*/chunks/1');
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/chunks/'))
        sent.push(new URL(r.url()).pathname);
    });
    await page.setInputFiles('#unfinished-files', file);
    await page.getByRole('button', { name: 'Finish sending' }).click();
    await page.locator('#case-status[data-i18n="unfinished.done"]').waitFor({ timeout: 120_000 });
    // It went on from chunk 1: chunk 0 was kept by the server and not sent again.
    expect(sent.every((p) => !p.endsWith('/chunks/0'))).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    await expect(page.locator('#case-messages > li').count()).resolves.toBe(2);
    await expect(page.locator('#unfinished').isHidden()).resolves.toBe(true);
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
    await context.close();
  });
});
