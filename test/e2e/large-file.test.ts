// A 300 MB recording sent from the report page in Chromium to the Node server: the connection is
// cut mid-way by a proxy (the page goes on by itself), then the page is reloaded; the reporter
// types the receipt, chooses the same file again, and sending goes on from the last acknowledged
// chunk. The supervisor's download then matches the file byte for byte. E2E_LARGE_MB sets another
// size, at least 70 (the reload comes after chunk 12 of 5 MB). (Playwright's request interception
// is not used: it carries every request body through the debugging protocol, which made each 5 MB
// chunk take seconds.)
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadTo } from '../../src/client/downloads';
import { attachmentSource, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import { unlockPrivateKey } from '../../src/crypto';
import { withCookies } from '../helpers/scenario';
import { type Browser, launchBrowser } from './helpers/browser';
import { DESKTOP } from './helpers/checks';
import { type CutProxy, startCutProxy } from './helpers/cut-proxy';
import { DEMO_PASSPHRASE, type Portal, startPortal } from './helpers/portal';
import { CONTINUE, SEND } from './helpers/report';

const MB = 1024 * 1024;
const SIZE = Number(process.env.E2E_LARGE_MB ?? 300) * MB + 777;

let portal: Portal;
let proxy: CutProxy;
let browser: Browser;
let file: string;

/** Writes a file of `size` bytes of a pattern, 8 MB at a time. */
async function writePattern(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  const piece = Buffer.alloc(8 * MB);
  for (let at = 0; at < size; at += piece.length) {
    for (let i = 0; i < piece.length; i += 4) piece.writeUInt32BE((at + i) >>> 0, i);
    await handle.write(piece, 0, Math.min(piece.length, size - at));
  }
  await handle.close();
}

beforeAll(async () => {
  portal = await startPortal();
  // Four cuts: Chromium itself sends a request again after a reset on a reused connection, up to
  // twice, so fewer cuts can all be absorbed before the page ever sees one.
  proxy = await startCutProxy(
    portal.base,
    /POST \/api\/uploads\/[\w-]+\/chunks\/5 HTTP\/1\.1\r\n/,
    {
      times: 4,
    },
  );
  browser = await launchBrowser();
  file = join(portal.dataDir, 'hearing-recording.mp4');
  await writePattern(file, SIZE);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await portal?.dispose();
});

const chunkOf = (url: string) => Number(/\/chunks\/(\d+)$/.exec(new URL(url).pathname)?.[1] ?? -1);

describe('a large file, cut off and reloaded', { timeout: 1_200_000 }, () => {
  it('arrives whole and decrypts byte for byte', async () => {
    const context = await browser.context({ locale: 'en-US', viewport: DESKTOP });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept()); // the leave warning, on reload
    await page.goto(`${proxy.base}/report`);
    await page.locator('input[name="unit"]:not(:disabled)').first().waitFor();
    await page
      .getByRole('radio', { name: /District Basic Court/ })
      .first()
      .check();
    await page.locator('#category').selectOption('interference');
    await page.locator('#what').fill('A recording of the hearing of case 17.');
    await page.locator('#report-files').setInputFiles(file);

    // The connection drops in the middle of chunk 5 (the proxy resets it; the page tries again by
    // itself); once chunk 12 is in, the page is reloaded.
    const chunk5: number[] = [];
    const acknowledged = new Promise<void>((resolve) =>
      page.on('response', (r) => {
        if (chunkOf(r.url()) === 5) chunk5.push(r.status());
        if (chunkOf(r.url()) === 12 && r.status() === 201) resolve();
      }),
    );
    const t0 = performance.now();
    const log = (line: string) =>
      process.env.E2E_DEBUG &&
      console.log(`${((performance.now() - t0) / 1000).toFixed(1)} ${line}`);
    page.on('console', (m) => log(`page: ${m.text()}`));
    page.on('response', (r) => log(`${r.status()} ${new URL(r.url()).pathname}`));
    // Sent as the reporter sends it, but not waited on to the end: the reload comes first.
    await page.locator(CONTINUE).click();
    await page.locator('#keep-view').waitFor({ state: 'visible' });
    // The receipt as the page showed it (the reporter wrote it down).
    const receipt = ((await page.locator('#keep-code').textContent()) ?? '').trim();
    await page.locator('#keep-confirm').fill(receipt.split('-').at(-1) ?? '');
    await page.locator(SEND).click();
    await acknowledged;
    await page.reload();
    await page.locator('#resume summary').waitFor();
    expect(await page.locator('#receipt-view').isVisible()).toBe(false);
    expect(proxy.cuts()).toBe(4);
    expect(chunk5).toEqual([201]); // the cut requests had no answer; a retry went through
    // Who sent chunk 5 again is not asserted: Chromium resends a reset request by itself, often
    // before the page sees a failure. The page's own retry and resync are tested in
    // test/uploads/chunked.test.ts; here, after the reload, the page must ask where to go on.

    // After the reload: only the receipt and the same file.
    const resent: number[] = [];
    page.on('request', (r) => {
      if (chunkOf(r.url()) >= 0) resent.push(chunkOf(r.url()));
    });
    await page.locator('#resume summary').click();
    await page.locator('#resume-receipt').fill(receipt);
    await page.locator('#resume-files').setInputFiles(file);
    await page.locator('#resume-form button[type="submit"]').click();
    await page.locator('#receipt-view').waitFor({ state: 'visible', timeout: 1_000_000 });
    // The proof of resuming: the server acknowledged chunk 12 before the reload, and afterwards no
    // chunk up to it went out again; a page that started over would send chunk 0 first. (Counting
    // how often the file was announced would not show it: starting over announces it again too.)
    expect(resent.length).toBeGreaterThan(0);
    expect(Math.min(...resent)).toBeGreaterThanOrEqual(13);
    await context.close();

    // The supervisor's download, chunk by chunk, compared with the file on disk as it streams.
    const fetcher = withCookies((path, init) => fetch(new URL(path, portal.base), init));
    const armored = await readFile(portal.keyFile('basic-supervisor'), 'utf8');
    const s = await signIn(fetcher, await unlockPrivateKey(armored, DEMO_PASSPHRASE), portal.base);
    const [item] = (await inbox(s)).items;
    const c = await fetchCase(s, item!.id);
    const id = c.messages[0]!.attachments[0]!.id;
    const { path, options } = attachmentSource(s, c, 'report', id);
    const original = createReadStream(file, { highWaterMark: MB })[Symbol.asyncIterator]();
    let pending = Buffer.alloc(0);
    let at = 0;
    let mismatch = -1;
    const meta = await downloadTo(s.fetcher, path, {}, options, {
      write: async (bytes) => {
        while (pending.length < bytes.length) {
          const next = await original.next();
          if (next.done) break;
          pending = Buffer.concat([pending, next.value as Buffer]);
        }
        if (mismatch < 0 && !pending.subarray(0, bytes.length).equals(bytes)) mismatch = at;
        pending = pending.subarray(bytes.length);
        at += bytes.length;
      },
    });
    expect({ name: meta.name, size: meta.size, at, mismatch }).toEqual({
      name: 'hearing-recording.mp4',
      size: SIZE,
      at: SIZE,
      mismatch: -1,
    });
  });
});
