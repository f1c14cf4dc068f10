// Threat: a report or reply carrying markup that runs in a supervisor's or reporter's browser.
// Decrypted text is only ever put into pages as text: no browser code writes HTML from strings.
// (The browser suite also renders hostile text in real Chromium.)
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../public/src', import.meta.url).pathname;
const SINKS =
  /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|\bnew\s+Function\b|\beval\(|DOMParser/;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('html injection', () => {
  it('no browser code uses an HTML-parsing sink', async () => {
    const files = await sources(ROOT);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(text.match(SINKS)?.[0], file).toBeUndefined();
    }
  });

  it('the pages carry no inline script or style for the CSP to refuse', async () => {
    const dir = new URL('../../public', import.meta.url).pathname;
    const pages = [
      ...(await readdir(dir)).filter((f) => f.endsWith('.html')),
      ...(await readdir(join(dir, 'partials'))).map((f) => join('partials', f)),
    ];
    expect(pages.length).toBeGreaterThanOrEqual(6);
    for (const page of pages) {
      const html = await readFile(join(dir, page), 'utf8');
      expect(html, page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, page).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
      expect(html, page).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });
});
