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
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, type Fetcher } from '../../src/client/api';
import { submitReport } from '../../src/client/reporter';
import { downloadAttachment, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { formatReceipt, unlockPrivateKey } from '../../src/crypto';
import { withCookies } from '../helpers/scenario';
import { type Browser, launchBrowser, watchPage } from './helpers/browser';
import { type CutProxy, startCutProxy } from './helpers/cut-proxy';
import { DEMO_PASSPHRASE, type Portal, startPortal } from './helpers/portal';
import { confirmKept, sendFromForm } from './helpers/report';
import { hasAttribute, hasText } from './helpers/wait';

const MB = 1024 * 1024;
const WITHIN = 45_000;
/**
 * A file's first chunk: the first large body on its connection, whose socket buffers have not
 * grown yet, so that holding it stops its 5 MiB well before the end. (A later chunk may fit whole
 * in buffers grown by the one before; then only the answer timer would end it.)
 */
const FIRST_CHUNK = /POST \/api\/uploads\/[\w-]+\/chunks\/0 HTTP\/1\.1\r\n/;
const SECOND_CHUNK = /POST \/api\/uploads\/[\w-]+\/chunks\/1 HTTP\/1\.1\r\n/;

let portal: Portal;
let browser: Browser;
const proxies: CutProxy[] = [];

beforeAll(async () => {
  portal = await startPortal({ UPLOAD_STALL_SECONDS: '5', UPLOAD_ANSWER_SECONDS: '3600' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  for (const p of proxies) await p.close();
  await portal?.dispose();
});

/** Two chunks (the first full, 5 MiB), each byte telling its place, so nothing can be swapped. */
function recording(name: string) {
  const buffer = Buffer.alloc(7 * MB + 333);
  for (let i = 0; i + 4 <= buffer.length; i += 4) buffer.writeUInt32BE(i, i);
  return { name, mimeType: 'application/octet-stream', buffer };
}

/**
 * The page talks to `hold`, which holds the first chunk request it sees; behind it, `after`
 * passes everything to the portal and counts the second chunk's requests.
 */
async function holdingProxies() {
  const after = await startCutProxy(portal.base, SECOND_CHUNK, { times: 0 });
  const hold = await startCutProxy(after.base, FIRST_CHUNK, { mode: 'hold', times: 1 });
  proxies.push(hold, after);
  return { hold, after };
}

/** Waits until the proxy holds a request, then for the page to give it up and send it again. */
async function expectGivenUpAndSentAgain(proxy: CutProxy) {
  await expect.poll(() => proxy.held(), { timeout: 240_000, interval: 100 }).toBe(1);
  await expect
    .poll(() => proxy.matched(), { timeout: WITHIN, interval: 100 })
    .toBeGreaterThanOrEqual(2);
  // The page sent the chunk again, so it must have closed the held connection: drained, it ends.
  proxy.release();
  await expect.poll(() => proxy.abandoned(), { timeout: 60_000, interval: 100 }).toBe(1);
}

async function supervisor() {
  const fetcher = withCookies((path, init) => fetch(new URL(path, portal.base), init));
  const armored = await readFile(portal.keyFile('basic-supervisor'), 'utf8');
  return signIn(fetcher, await unlockPrivateKey(armored, DEMO_PASSPHRASE), portal.base);
}

/** The page has the portal's limits (the help under the file field says the largest file). */
const limitsShown = (page: Page, field: string) =>
  hasText(page.locator(`#${field}-files-help`), 'Up to 2.0 GB per file', 60_000);

describe('a stalled chunk request', { timeout: 600_000 }, () => {
  it('is given up and sent again by the report page, and the report arrives whole', async () => {
    const { hold, after } = await holdingProxies();
    const file = recording('meeting-recording.bin');
    const context = await browser.context({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${hold.base}/report`);
    await limitsShown(page, 'report');
    await page
      .getByRole('radio', { name: /District Basic Court/ })
      .first()
      .check();
    await page.locator('#category').selectOption('interference');
    await page.locator('#what').fill('The recording of the meeting in the president’s office.');
    await page.setInputFiles('#report-files', file);

    const sending = sendFromForm(page, 400_000);
    sending.catch(() => undefined); // met below; a failure before then must not be left unhandled
    await expectGivenUpAndSentAgain(hold);
    await sending;
    await confirmKept(page);
    // The upload went on from there: the next chunk went once.
    expect(after.matched()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();

    const s = await supervisor();
    const [item] = (await inbox(s)).items;
    const c = await fetchCase(s, item!.id);
    const attachment = c.messages[0]!.attachments[0]!;
    const { meta, bytes } = await downloadAttachment(s, c, 'report', attachment.id);
    expect(meta.name).toBe(file.name);
    expect(Buffer.from(bytes).equals(file.buffer)).toBe(true);
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
    const context = await browser.context({ locale: 'en-US' });
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

    await expectGivenUpAndSentAgain(hold);
    await hasAttribute(page.locator('#case-status'), 'data-i18n', 'compose.message.sent', 300_000);
    expect(after.matched()).toBe(1);
    expect(await page.locator('#unfinished').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();

    const s = await supervisor();
    let found: Awaited<ReturnType<typeof fetchCase>> | null = null;
    for (const item of (await inbox(s)).items) {
      const c = await fetchCase(s, item.id);
      if (c.messages[0]?.id === seeded.messageId) found = c;
    }
    const message = found?.messages.find((m) => m.kind === 'message');
    expect(message?.attachments.length).toBe(1);
    const { meta, bytes } = await downloadAttachment(
      s,
      found!,
      'message',
      message!.attachments[0]!.id,
    );
    expect(meta.name).toBe(file.name);
    expect(Buffer.from(bytes).equals(file.buffer)).toBe(true);
  });
});
