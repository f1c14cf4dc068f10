// Debian's Chromium driven by playwright-core, kept off the network and out of the home
// directory: a fresh profile and XDG directories per browser, removed afterwards.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { CHROMIUM, chromiumLaunchOptions } from '../../../scripts/chromium';

export const ARTIFACTS = join('test', 'artifacts', 'e2e');

export interface Browser {
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** One browser per test file; each context gets its own downloads and storage. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install the Debian package: apt-get install chromium ` +
        '(or set CHROMIUM_PATH). The browser tests do not download a browser.',
    );
  const home = await mkdtemp(join(tmpdir(), 'portal-chromium-'));
  const profile = join(home, 'profile');
  await mkdir(join(home, 'config'), { recursive: true });
  await mkdir(join(home, 'cache'), { recursive: true });
  const launched = await chromium.launchPersistentContext(profile, {
    ...chromiumLaunchOptions(home),
    acceptDownloads: true,
  });
  const browser = launched.browser();
  if (!browser) throw new Error('Chromium started without a browser handle');
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    context: (options = {}) => browser.newContext({ acceptDownloads: true, ...options }),
    close: async () => {
      await launched.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Fails the test on any uncaught page error or console error, and on any dialog. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  return problems;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
