// The report page over a slow link, in Chromium: its text and form are up while the crypto chunk
// is still held back on the network, and once that chunk arrives the report is sealed (in the
// module worker, which shares the chunk) and sent. Scripts arrive compressed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { DIST } from '../../scripts/page-weight';
import { watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { sendFromForm } from './helpers/report';
import { hasText } from './helpers/wait';

const portal = useBrowserPortal();

/** The one chunk that holds openpgp.js (test/http/page-budget.test.ts checks there is one). */
async function cryptoChunk(): Promise<string> {
  for (const f of await readdir(join(DIST, 'assets'))) {
    if (
      f.endsWith('.js') &&
      (await readFile(join(DIST, 'assets', f), 'utf8')).includes('OpenPGP.js')
    )
      return `/assets/${f}`;
  }
  throw new Error('no crypto chunk: run npm run build');
}

describe('the report page before its crypto code', { timeout: 180_000 }, () => {
  it('shows its text and form while the crypto chunk is held, and sends once it comes', async () => {
    const chunk = await cryptoChunk();
    const context = await portal.browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchPage(page);
    const held: Route[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(`**${chunk}`, async (route) => {
      held.push(route);
      await released;
      await route.continue();
    });
    const encodings: string[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.endsWith('.js'))
        encodings.push(r.headers()['content-encoding'] ?? 'none');
    });
    await page.goto(`${portal.base}/report`, { waitUntil: 'domcontentloaded' });
    // The page's script has run and written its text; the units came from the API.
    await hasText(page.locator('label[for="what"]'), en['report.what.label']);
    await page.locator('input[name="unit"]:not(:disabled)').first().waitFor();
    expect(await page.locator('#report-form').isVisible()).toBe(true);
    // ...and all the while the crypto chunk was asked for and not yet given.
    expect(held.length).toBeGreaterThan(0);
    await page
      .getByRole('radio', { name: /District Basic Court/ })
      .first()
      .check();
    await page.locator('#category').selectOption('interference');
    await page.locator('#what').fill('The president phoned the judge about case 17.');
    release();
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
    await sendFromForm(page, 120_000);
    expect(workers.some((w) => w.startsWith('/assets/seal-worker.'))).toBe(true);
    // Chromium takes brotli only over HTTPS: over plain loopback HTTP it gets the gzip copies.
    expect(encodings.length).toBeGreaterThan(0);
    for (const e of encodings) expect(['br', 'gzip']).toContain(e);
    expect(problems).toEqual([]);
    await context.close();
  });
});
