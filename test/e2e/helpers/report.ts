// The report page's steps as a reporter takes them: continue, keep the receipt code (typing its
// last group back), send, and say the code is kept so the page lets them leave.
import type { Page } from 'playwright-core';

export const CONTINUE = '#report-form button[type="submit"]';
export const SEND = '#keep-form button[type="submit"]';

/** From a filled form to the receipt page; returns the receipt code as shown. */
export async function sendFromForm(page: Page, timeout = 60_000): Promise<string> {
  await page.locator(CONTINUE).click();
  await page.locator('#keep-view').waitFor({ state: 'visible' });
  const code = ((await page.locator('#keep-code').textContent()) ?? '').trim();
  await page.locator('#keep-confirm').fill(code.split('-').at(-1) ?? '');
  await page.locator(SEND).click();
  await page.locator('#receipt-view').waitFor({ state: 'visible', timeout });
  return code;
}

/** The reporter confirms they have kept the code; the leave warning ends. */
export async function confirmKept(page: Page): Promise<void> {
  await page.locator('#receipt-kept').click();
  await page.locator('#receipt-done').waitFor({ state: 'visible' });
}
