// The reporter's wait, in Chromium against the portal: from the click that sends a 16 KB report
// with a 5 MB file to the receipt on screen (key made, report and file sealed in the worker,
// proof of work solved at the bench's low difficulty, both uploaded to loopback, answer shown).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumLaunchOptions } from '../../scripts/chromium';
import { reportContent } from '../seed';
import { median } from '../stats';
import type { Measurement } from './types';

const FILE_BYTES = 5 * 1024 * 1024;

export const submitToReceipt: Measurement = {
  name: 'submit-receipt',
  async measure({ portalUrl, fixture, quick, dir, log }) {
    const name = 'submit click to receipt, 16 KB report + 5 MB file (Chromium)';
    if (!existsSync(CHROMIUM))
      return [{ name, value: null, unit: 's', note: `${CHROMIUM} not found` }];
    const home = await mkdtemp(join(dir, 'submit-'));
    const browser = await chromium.launchPersistentContext(
      join(home, 'profile'),
      chromiumLaunchOptions(home),
    );
    const seconds: number[] = [];
    try {
      for (let round = 0; round < (quick ? 1 : 3); round++) {
        const page = await browser.newPage();
        page.setDefaultTimeout(180_000);
        await page.goto(`${portalUrl}/report`);
        await page.locator(`input[name="unit"][value="${fixture.unitId}"]`).check();
        await page.locator('#category').selectOption('improper_contact');
        await page.locator('#what').fill(reportContent().whatHappened);
        await page.locator('#report-files').setInputFiles({
          name: 'meeting.bin',
          mimeType: 'application/octet-stream',
          buffer: randomBytes(FILE_BYTES),
        });
        await page.locator('#report-form button[type="submit"]').click();
        await page.locator('#keep-view').waitFor({ state: 'visible' });
        const code = ((await page.locator('#keep-code').textContent()) ?? '').trim();
        await page.locator('#keep-confirm').fill(code.split('-').at(-1) ?? '');
        const started = performance.now();
        await page.locator('#keep-form button[type="submit"]').click();
        await page.locator('#receipt-view').waitFor({ state: 'visible' });
        seconds.push((performance.now() - started) / 1000);
        log(`submit to receipt, round ${round + 1}: ${seconds.at(-1)?.toFixed(2)} s`);
        await page.close();
      }
    } finally {
      await browser.close();
      await rm(home, { recursive: true, force: true });
    }
    return [
      {
        name,
        value: Math.round(median(seconds) * 100) / 100,
        unit: 's',
        note: `median of ${seconds.length}; proof of work at the bench's difficulty`,
      },
    ];
  },
};
