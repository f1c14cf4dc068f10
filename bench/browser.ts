// The Chromium figure: bundles the measurement with esbuild into a temp dir, serves it from
// loopback, and runs it in headless Debian Chromium with a fresh profile and no outside traffic.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../scripts/chromium';
import type { CryptoFigure, CryptoInput } from './crypto-measure';

export { CHROMIUM } from '../scripts/chromium';

const PAGE = '<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>';

async function serveDir(dir: string) {
  const js = await readFile(join(dir, 'bench.js'));
  const server = createServer((req, res) => {
    const isScript = req.url === '/bench.js';
    res.writeHead(200, {
      'content-type': isScript ? 'text/javascript' : 'text/html; charset=utf-8',
    });
    res.end(isScript ? js : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

export async function browserCryptoFigure(input: CryptoInput): Promise<CryptoFigure> {
  const dir = await mkdtemp(join(tmpdir(), 'portal-bench-browser-'));
  try {
    await build({
      entryPoints: [new URL('./browser-entry.ts', import.meta.url).pathname],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outfile: join(dir, 'bench.js'),
      logLevel: 'error',
    });
    const site = await serveDir(dir);
    const launch = chromiumLaunchOptions(dir);
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      ...launch,
      // `gc()` in the page, for a collection before each timed run (see crypto-measure.ts).
      args: [...launch.args, '--js-flags=--expose-gc'],
      timeout: 30_000,
    });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      await page.goto(site.url);
      await page.waitForFunction(() => 'measureCrypto' in globalThis);
      return await page.evaluate(
        (arg) =>
          (
            globalThis as unknown as { measureCrypto: (i: CryptoInput) => Promise<CryptoFigure> }
          ).measureCrypto(arg),
        input,
      );
    } finally {
      await context.close();
      site.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
