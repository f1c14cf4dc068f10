// A chunk request that stalls is given up and sent again, in Chromium (#23, #25): the portal runs
// with UPLOAD_STALL_SECONDS=5, and a proxy holds the first chunk's connection open without
// reading it, as a Tor circuit that stopped would. The page gives that request up by its own
// timer, sends the chunk again and finishes: on the report page, and on the follow-up page. The
// supervisor's download matches the file byte for byte. The proxy shows the held request closed
// by the browser and the chunk sent a second time; a second proxy behind it, that the next chunk
// went once.
//
// UPLOAD_ANSWER_SECONDS is at its most (an hour), so that the stall timer alone can end the held
// request. The wait for the chunk to come again (WITHIN) is shorter than the pages' own default of
// 60 s, so a page that ignored the portal's setting fails here; it is no measure of speed: the
// page needs 5 s, one second of back-off and one chunk sealed again.
import { afterAll, describe, expect, it } from 'vitest';
import { callApi, type Fetcher } from '../../src/client/api';
import { submitReport } from '../../src/client/reporter';
import type { UnitView } from '../../src/client/types';
import { formatReceipt } from '../../src/crypto';
import { watchPage } from './helpers/browser';
import { useBrowserPortal } from './helpers/browser-portal';
import { type CutProxy, startCutProxy } from './helpers/cut-proxy';
import { confirmKept, sendFromForm } from './helpers/report';
import {
  chunkLine,
  expectGivenUpAndSentAgain,
  fileOfCase,
  fillReport,
  limitsShown,
  recording,
} from './helpers/stalls';
import { hasAttribute } from './helpers/wait';

const WITHIN = 45_000;

const portal = useBrowserPortal({
  env: { UPLOAD_STALL_SECONDS: '5', UPLOAD_ANSWER_SECONDS: '3600' },
});
const proxies: CutProxy[] = [];

// Runs before the browser and the portal close (vitest runs after-all hooks last in, first out).
afterAll(async () => {
  for (const p of proxies) await p.close();
});

/**
 * The page talks to `hold`, which holds the first request for a file's first chunk: the first
 * large body on its connection, whose socket buffers have not grown yet, so that holding it stops
 * its 5 MiB well before the end (a later chunk may fit whole in buffers grown by the one before,
 * and then only the answer timer would end it). Behind it, `after` counts the second chunk's.
 */
async function holdingProxies() {
  const after = await startCutProxy(portal.base, chunkLine(1), { times: 0 });
  const hold = await startCutProxy(after.base, chunkLine(0), { mode: 'hold', times: 1 });
  proxies.push(hold, after);
  return { hold, after };
}

describe('a stalled chunk request', { timeout: 600_000 }, () => {
  it('is given up and sent again by the report page, and the report arrives whole', async () => {
    const { hold, after } = await holdingProxies();
    const file = recording('meeting-recording.bin');
    const context = await portal.browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${hold.base}/report`);
    await limitsShown(page, 'report');
    await fillReport(page, file);

    const sending = sendFromForm(page, 400_000);
    sending.catch(() => undefined); // met below; a failure before then must not be left unhandled
    await expectGivenUpAndSentAgain(hold, WITHIN);
    await sending;
    await confirmKept(page);
    // The upload went on from there: the next chunk went once.
    expect(after.matched()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();

    const got = await fileOfCase(portal, 'report');
    expect(got?.meta.name).toBe(file.name);
    expect(Buffer.from(got?.bytes ?? []).equals(file.buffer)).toBe(true);
  });

  it('is given up and sent again by the follow-up page, and the message arrives whole', async () => {
    const fetcher: Fetcher = (path, init) => fetch(new URL(path, portal.base), init);
    const { units } = await callApi<{ units: UnitView[] }>(fetcher, '/api/units');
    const seeded = await submitReport(fetcher, {
      units,
      unitId: units.find((u) => u.level === 'basic')!.id,
      copyToParent: false,
      report: {
        category: 'prying',
        whatHappened: 'A clerk looked up my case file.',
        when: '',
        where: '',
        who: '',
        howKnown: '',
      },
      files: [],
    });
    const { hold, after } = await holdingProxies();
    const file = recording('hand-over.bin');
    const context = await portal.browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${hold.base}/follow-up`);
    await page.locator('#receipt').fill(formatReceipt(seeded.receipt));
    await page.locator('#lookup-form button[type="submit"]').click();
    await page.locator('#case-messages .message-report').waitFor({ timeout: 60_000 });
    await limitsShown(page, 'message');
    await page.locator('#message-text').fill('The recording of the hand-over.');
    await page.setInputFiles('#message-files', file);
    await page.locator('#message-form button[type="submit"]').click();

    await expectGivenUpAndSentAgain(hold, WITHIN);
    await hasAttribute(page.locator('#case-status'), 'data-i18n', 'compose.message.sent', 300_000);
    expect(after.matched()).toBe(1);
    expect(await page.locator('#unfinished').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();

    const got = await fileOfCase(portal, 'message', seeded.messageId);
    expect(got?.meta.name).toBe(file.name);
    expect(Buffer.from(got?.bytes ?? []).equals(file.buffer)).toBe(true);
  });
});
