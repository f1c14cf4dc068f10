// Large files in Chromium against the portal (the Node server as `npm start` runs it):
// - a 1 GB attachment (32 MB with --quick) sent from the report page: sealed chunk by chunk in
//   its worker and uploaded to loopback, with its MB/s, the tab's peak JS heap (page and worker)
//   and the server's peak RSS while it receives;
// - bare openpgp.js streaming encryption of the same file in the same tab, before and after (the
//   yardstick of the ratio, goal >= 0.5);
// - a resumed upload: the page reloaded a third of the way in, the receipt typed and the same
//   file chosen again, timed from that click to the receipt (128 MB; 16 MB with --quick).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, chromiumLaunchOptions } from '../../scripts/chromium';
import { chunkLayout } from '../../src/crypto';
import type { Fixture } from '../seed';
import type { BareInput, BareResult } from './large-file-bare';
import { sampleHeap } from './large-file-heap';
import type { Figure, MeasureContext, Measurement } from './types';

const MiB = 1024 * 1024;
/** MB/s in 10^6 bytes, as the bench's other throughput figures. */
const mbps = (bytes: number, seconds: number) => Math.round(bytes / 1e4 / seconds) / 100;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Writes `size` bytes: an 8 MiB random block over and over (incompressible as far as it matters). */
async function writeFile(path: string, size: number): Promise<void> {
  const block = randomBytes(8 * MiB);
  const handle = await open(path, 'w');
  try {
    for (let at = 0; at < size; at += block.length) {
      await handle.write(block, 0, Math.min(block.length, size - at));
    }
  } finally {
    await handle.close();
  }
}

/** The bare yardstick as one script, run in the page through the protocol (the page's CSP allows no inline script). */
async function bareScript(): Promise<string> {
  const out = await build({
    entryPoints: [new URL('./large-file-bare.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'error',
  });
  return out.outputFiles[0]?.text ?? '';
}

async function openForm(page: Page, portalUrl: string, fx: Fixture, file: string) {
  await page.goto(`${portalUrl}/report`);
  await page.locator(`input[name="unit"][value="${fx.unitId}"]`).check();
  await page.locator('#category').selectOption('interference');
  await page.locator('#what').fill('A recording of the hearing, as evidence.');
  await page.locator('#report-files').setInputFiles(file);
}

/** From the filled form to the click that sends; answers the receipt code shown. */
async function keepAndSend(page: Page): Promise<string> {
  await page.locator('#report-form button[type="submit"]').click();
  await page.locator('#keep-view').waitFor({ state: 'visible' });
  const code = ((await page.locator('#keep-code').textContent()) ?? '').trim();
  await page.locator('#keep-confirm').fill(code.split('-').at(-1) ?? '');
  await page.locator('#keep-form button[type="submit"]').click();
  return code;
}

/**
 * The same file in a file input of the bench's own on the page (the page's picker keeps what was
 * chosen in its own list and empties its input).
 */
async function benchInput(page: Page, file: string): Promise<void> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-file';
    input.hidden = true;
    document.body.append(input);
  });
  await page.locator('#bench-file').setInputFiles(file);
}

async function bare(
  page: Page,
  script: string,
  fx: Fixture,
  log: (line: string) => void,
): Promise<BareResult | null> {
  const input: BareInput = {
    selector: '#bench-file',
    recipients: fx.supervisorPublicKeys,
    lockedKey: fx.reporter.lockedKey,
    passphrase: fx.reporter.keyPassphrase,
  };
  try {
    await page.evaluate(script);
    return await page.evaluate(
      (i) =>
        (globalThis as unknown as { bareStream: (x: BareInput) => Promise<BareResult> }).bareStream(
          i,
        ),
      input,
    );
  } catch (err) {
    log(`bare openpgp streaming failed: ${String(err)}`);
    return null;
  }
}

/** The 1 GB send with its heap and RSS, and the bare yardstick around it. */
async function sendLarge(ctx: MeasureContext, context: BrowserContext, file: string, size: number) {
  const { portalUrl, fixture, log } = ctx;
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await openForm(page, portalUrl, fixture, file);
  await benchInput(page, file);
  const script = await bareScript();
  const bares = [await bare(page, script, fixture, log)];
  log(`bare openpgp streaming: ${bares[0] ? mbps(size, bares[0].seconds) : '-'} MB/s`);
  const browser = context.browser();
  if (!browser) throw new Error('no browser handle');
  const heap = await sampleHeap(browser, page);
  await keepAndSend(page);
  ctx.portal?.resetPeak();
  const started = performance.now();
  await page.locator('#receipt-view').waitFor({ state: 'visible' });
  const seconds = (performance.now() - started) / 1000;
  const rss = ctx.portal?.peakRssMb() ?? null;
  const peaks = await heap.stop();
  log(`page: ${mbps(size, seconds)} MB/s; heap ${peaks.tabMb} MB; server RSS ${rss} MB`);
  if (!ctx.quick) bares.push(await bare(page, script, fixture, log));
  await page.close();
  const done = bares.filter((b): b is BareResult => b !== null);
  const bareMBps = done.length
    ? round2(done.reduce((s, b) => s + mbps(size, b.seconds), 0) / done.length)
    : null;
  return { seconds, pageMBps: mbps(size, seconds), bareMBps, bareRuns: done.length, rss, peaks };
}

/** A send cut by a reload a third of the way in, resumed with the receipt and the same file. */
async function resumed(ctx: MeasureContext, context: BrowserContext, file: string, size: number) {
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept()); // the leave warning, on reload
  await openForm(page, ctx.portalUrl, ctx.fixture, file);
  const chunks = chunkLayout({ name: 'second.mp4', type: 'video/mp4', size }).count;
  const cutAfter = Math.max(1, Math.floor(chunks / 3));
  const chunkOf = (url: string) =>
    Number(/\/chunks\/(\d+)$/.exec(new URL(url).pathname)?.[1] ?? -1);
  const acknowledged = new Promise<void>((resolve) =>
    page.on('response', (r) => {
      if (chunkOf(r.url()) === cutAfter && r.status() === 201) resolve();
    }),
  );
  const receipt = await keepAndSend(page);
  await acknowledged;
  await page.reload(); // the chunk under way is cut off
  const resent = new Set<number>();
  page.on('request', (r) => {
    if (chunkOf(r.url()) >= 0) resent.add(chunkOf(r.url()));
  });
  await page.locator('#resume summary').click();
  await page.locator('#resume-receipt').fill(receipt);
  await page.locator('#resume-files').setInputFiles(file);
  const started = performance.now();
  await page.locator('#resume-form button[type="submit"]').click();
  await page.locator('#receipt-view').waitFor({ state: 'visible' });
  const seconds = (performance.now() - started) / 1000;
  await page.close();
  return { seconds, cutAfter, chunks, first: Math.min(...resent), resent: resent.size };
}

export const largeFile: Measurement = {
  name: 'large-file',
  async measure(ctx) {
    // BENCH_LARGE_MB: the big file's size for this run (e.g. 1024 with --quick, whose database
    // seeds in seconds where the full run's takes many minutes on a busy machine).
    const size = Number(process.env.BENCH_LARGE_MB ?? (ctx.quick ? 32 : 1024)) * MiB;
    const resumeSize = (ctx.quick ? 16 : 128) * MiB;
    const label = `${size / MiB} MB`;
    if (!existsSync(CHROMIUM))
      return [{ name: `large file ${label}`, value: null, unit: '', note: `${CHROMIUM} missing` }];
    const home = await mkdtemp(join(ctx.dir, 'large-'));
    const file = join(home, 'recording.mp4');
    await writeFile(file, size);
    const launch = chromiumLaunchOptions(home);
    const context = await chromium.launchPersistentContext(join(home, 'profile'), launch);
    context.setDefaultTimeout(Math.max(600_000, (size / MiB) * 2000)); // 0.5 MB/s at least
    try {
      const big = await sendLarge(ctx, context, file, size);
      const resumeFile = join(home, 'second.mp4');
      await writeFile(resumeFile, resumeSize);
      const again = await resumed(ctx, context, resumeFile, resumeSize);
      ctx.log(`resumed: ${again.seconds.toFixed(1)} s from chunk ${again.first}`);
      return figures(label, big, again, resumeSize);
    } finally {
      await context.close();
      await rm(home, { recursive: true, force: true });
    }
  },
};

function figures(
  label: string,
  big: Awaited<ReturnType<typeof sendLarge>>,
  again: Awaited<ReturnType<typeof resumed>>,
  resumeSize: number,
): Figure[] {
  const ratio = big.bareMBps ? round2(big.pageMBps / big.bareMBps) : null;
  return [
    {
      name: `large file ${label}, report page to portal (Chromium)`,
      value: big.pageMBps,
      unit: 'MB/s',
      note: `${big.seconds.toFixed(1)} s from the send click to the receipt: chunks sealed in the worker, uploaded to loopback`,
    },
    {
      name: `large file ${label}, bare openpgp.js streaming in the same tab`,
      value: big.bareMBps,
      unit: 'MB/s',
      note: `File.stream() signed and encrypted to the same keys, output dropped; mean of ${big.bareRuns}`,
    },
    {
      name: `large file ${label}, page / bare streaming`,
      value: ratio,
      unit: 'ratio',
      goal: { op: '>=', limit: 0.5 },
    },
    {
      name: `large file ${label}, tab's peak JS heap`,
      value: big.peaks.tabMb,
      unit: 'MB',
      goal: { op: '<', limit: 300 },
      note: `page ${big.peaks.pageMb} MB + sealing worker ${big.peaks.workerMb} MB at most; V8 heap and ArrayBuffers, ${big.peaks.samples} samples`,
    },
    {
      name: `large file ${label}, server's peak RSS while receiving`,
      value: big.rss,
      unit: 'MB',
      goal: { op: '<', limit: 250 },
    },
    {
      name: `resumed upload, ${resumeSize / MiB} MB: resume click to receipt`,
      value: round2(again.seconds),
      unit: 's',
      note: `reloaded once chunk ${again.cutAfter + 1} of ${again.chunks} was in; went on from chunk ${again.first + 1}, ${again.resent} chunks sent after the reload`,
    },
  ];
}
