// The report page's steps as a reporter takes them: continue, keep the receipt code (typing its
// last group back), send, and say the code is kept so the page lets them leave; and a report sent
// without the page, to have a case to look at.
import type { Page } from 'playwright-core';
import { callApi, type Fetcher } from '../../../src/client/api';
import { type SubmitInput, submitReport } from '../../../src/client/reporter';
import type { UnitView } from '../../../src/client/types';

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

/** A report that says next to nothing: a case to have, not to read. */
const SEED: SubmitInput['report'] = {
  category: 'other',
  whatHappened: 'seed',
  when: '',
  where: '',
  who: '',
  howKnown: '',
};

/**
 * A report to the basic unit, sent through the client code the page uses; returns its receipt
 * as generated (without the dashes the page shows).
 */
export async function seedReport(
  portal: { base: string },
  report = SEED,
  files: SubmitInput['files'] = [],
): Promise<string> {
  const fetcher: Fetcher = (path, init) => fetch(new URL(path, portal.base), init);
  const { units } = await callApi<{ units: UnitView[] }>(fetcher, '/api/units');
  const unitId = units.find((u) => u.level === 'basic')!.id;
  const sent = await submitReport(fetcher, { units, unitId, copyToParent: false, report, files });
  return sent.receipt;
}
