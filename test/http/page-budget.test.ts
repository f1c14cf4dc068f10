// The report page's budget, from the built files (npm run build): over Tor every kilobyte costs
// time, so the page with all it loads before it can send weighs at most 200 KB compressed, the
// crypto code is not among what it needs to show its text and form, and openpgp.js is one chunk
// that every page shares and caches rather than a copy inside each page's script.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, pageWeight } from '../../scripts/page-weight';

const BUDGET = 200 * 1000;
/** openpgp.js names itself in every message it writes: a string found only where it is bundled. */
const OPENPGP = 'OpenPGP.js';

const holdsOpenpgp = async (path: string) =>
  (await readFile(join(DIST, path), 'utf8')).includes(OPENPGP);

async function openpgpChunks(): Promise<string[]> {
  const scripts = (await readdir(join(DIST, 'assets'))).filter((f) => f.endsWith('.js'));
  const found: string[] = [];
  for (const f of scripts) if (await holdsOpenpgp(`assets/${f}`)) found.push(`assets/${f}`);
  return found;
}

describe('the report page budget', () => {
  it('weighs at most 200 KB compressed with everything it loads before sending', async () => {
    const w = await pageWeight('report.html');
    const paths = [...w.first, ...w.later].map((f) => f.path);
    // What is weighed: the page, its stylesheet, its script, the crypto chunk and the worker.
    expect(paths).toContain('report.html');
    expect(paths.some((p) => p.endsWith('.css'))).toBe(true);
    expect(paths.some((p) => p.startsWith('assets/seal-worker.'))).toBe(true);
    expect(paths).toEqual(expect.arrayContaining(await openpgpChunks()));
    expect(w.total.br, JSON.stringify(w.total)).toBeLessThanOrEqual(BUDGET);
    // A browser that takes no brotli (Tor Browser over an onion may not) gets gzip: same budget.
    expect(w.total.gzip, JSON.stringify(w.total)).toBeLessThanOrEqual(BUDGET);
  });

  it('shows its text and form without the crypto code: that comes by import(), later', async () => {
    const w = await pageWeight('report.html');
    for (const f of w.first) expect(await holdsOpenpgp(f.path), f.path).toBe(false);
    const later = await Promise.all(w.later.map((f) => holdsOpenpgp(f.path)));
    expect(later).toContain(true);
    // The catalogues that write the page's text are among what comes first.
    const first = await Promise.all(w.first.map((f) => readFile(join(DIST, f.path), 'utf8')));
    expect(first.some((text) => text.includes('What happened'))).toBe(true);
  });
});

describe('openpgp.js', () => {
  it('is in one chunk that every page needing it (and the worker) shares', async () => {
    const chunks = await openpgpChunks();
    expect(chunks).toHaveLength(1);
    const [chunk] = chunks as [string];
    expect(chunk).toMatch(/^assets\/shared\.[0-9a-f]{16}\.js$/);
    for (const page of ['report.html', 'follow-up.html', 'supervisor.html', 'enrol.html']) {
      const w = await pageWeight(page);
      expect(
        [...w.first, ...w.later].map((f) => f.path),
        page,
      ).toContain(chunk);
      // Preloaded with its integrity, so the import is checked like the page's own script.
      expect(await readFile(join(DIST, page), 'utf8'), page).toMatch(
        new RegExp(`<link rel="modulepreload" href="/${chunk}" integrity="sha384-`),
      );
    }
  });
});
