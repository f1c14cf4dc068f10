// One real portal and one Chromium for a browser test file: both started in beforeAll, the
// browser closed and then the portal stopped and removed in afterAll, as `useHarness` does.
import { harnessHooks } from '../../helpers/scenario';
import { type Browser, launchBrowser } from './browser';
import { type Portal, startPortal } from './portal';
import { type Profile, persistentProfile } from './profile';

/** The portal, with the browser whose fresh contexts the tests open. */
export interface BrowserPortal extends Portal {
  browser: Browser;
}

/** The portal, with a persistent Chromium profile the tests start, quit and search. */
export interface ProfilePortal extends Portal {
  profile: Profile;
}

interface Options {
  /** Portal settings added or overridden (e.g. a smaller MAX_ATTACHMENT_MB). */
  env?: Record<string, string>;
  /** A persistent profile instead of a browser with incognito-like contexts. */
  profile?: boolean;
}

/**
 * Registers beforeAll and afterAll for this test file and returns the portal made in beforeAll;
 * its fields read as the started portal's inside hooks and tests (and throw outside them).
 * A file's own beforeAll registered after this call runs after the portal is up.
 */
export function useBrowserPortal(options?: Options & { profile?: false }): BrowserPortal;
export function useBrowserPortal(options: Options & { profile: true }): ProfilePortal;
export function useBrowserPortal({
  env = {},
  profile = false,
}: Options = {}): BrowserPortal | ProfilePortal {
  return harnessHooks(async () => {
    const portal = await startPortal(env);
    try {
      if (profile) {
        const made = await persistentProfile();
        const close = async () => {
          await made.dispose();
          await portal.dispose();
        };
        return { ...portal, profile: made, close };
      }
      const browser = await launchBrowser();
      const close = async () => {
        await browser.close();
        await portal.dispose();
      };
      return { ...portal, browser, close };
    } catch (e) {
      // A portal whose browser did not start is stopped here: afterAll has nothing to close.
      await portal.dispose();
      throw e;
    }
  });
}
