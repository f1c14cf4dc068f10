// A chunk request whose answer never comes is given up and sent again, in Chromium (#23): the
// portal runs with UPLOAD_ANSWER_SECONDS=15, and a proxy takes the whole of the first request for
// a file's second chunk and never answers it, as when the circuit dies after the body. The report
// page gives it up by its own timer, sends that chunk again (never the first, which the portal
// acknowledged) and finishes; the supervisor's download matches the file byte for byte.
//
// UPLOAD_STALL_SECONDS is at its most (an hour), so that the answer timer alone can end the muted
// request. The wait for the chunk to come again is shorter than the pages' own default of 180 s,
// so a page that ignored the portal's setting fails here; it is no measure of speed.
import { afterAll, describe, expect, it } from 'vitest';
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

const WITHIN = 120_000;

const portal = useBrowserPortal({
  env: { UPLOAD_STALL_SECONDS: '3600', UPLOAD_ANSWER_SECONDS: '15' },
});
const proxies: CutProxy[] = [];

// Runs before the browser and the portal close (vitest runs after-all hooks last in, first out).
afterAll(async () => {
  for (const p of proxies) await p.close();
});

describe('a chunk request with no answer', { timeout: 600_000 }, () => {
  it('is given up and sent again by the report page, and the report arrives whole', async () => {
    // `mute` mutes the second chunk's first request; behind it, `after` counts the first chunk's.
    const after = await startCutProxy(portal.base, chunkLine(0), { times: 0 });
    const mute = await startCutProxy(after.base, chunkLine(1), { mode: 'mute', times: 1 });
    proxies.push(mute, after);
    const file = recording('meeting-recording.bin');
    const context = await portal.browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${mute.base}/report`);
    await limitsShown(page, 'report');
    await fillReport(page, file);

    const sending = sendFromForm(page, 400_000);
    sending.catch(() => undefined); // met below; a failure before then must not be left unhandled
    await expectGivenUpAndSentAgain(mute, WITHIN);
    await sending;
    await confirmKept(page);
    // It went on from the last chunk the portal acknowledged: the first went once.
    expect(after.matched()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();

    const got = await fileOfCase(portal, 'report');
    expect(got?.meta.name).toBe(file.name);
    expect(Buffer.from(got?.bytes ?? []).equals(file.buffer)).toBe(true);
  });
});
