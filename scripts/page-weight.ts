// What a built page costs to load, from the files in public/dist: the page, its stylesheet, its
// script and every module that script imports at once (what the page needs to show its text and
// form), then what it loads later (import(), the sealing worker and its imports), each counted
// once at the size served with brotli and with gzip. Used by the budget test and by the bench.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DIST = new URL('../public/dist', import.meta.url).pathname;

/** Where a built script names another: static imports, import() calls and the worker's path. */
const STATIC_IMPORT = /(?:^|[;}\s])import\s*(?:[\w${},*\s]+from\s*)?"\.\/([\w.-]+\.js)"/g;
const DYNAMIC_IMPORT = /import\("\.\/([\w.-]+\.js)"\)/g;
const WORKER_PATH = /"\/assets\/(seal-worker\.[0-9a-f]+\.js)"/g;

export interface FileWeight {
  path: string;
  raw: number;
  br: number;
  gzip: number;
}

export interface PageWeight {
  page: string;
  /** The page, its stylesheet, its script and that script's static imports. */
  first: FileWeight[];
  /** Loaded by the page later: import() calls, the worker, and their own imports. */
  later: FileWeight[];
  total: { raw: number; br: number; gzip: number };
  firstTotal: { raw: number; br: number; gzip: number };
}

async function weigh(path: string): Promise<FileWeight> {
  const file = join(DIST, path);
  const size = async (p: string) => (await readFile(p)).length;
  return {
    path,
    raw: await size(file),
    br: await size(`${file}.br`),
    gzip: await size(`${file}.gz`),
  };
}

const names = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);

const sum = (files: FileWeight[]) => ({
  raw: files.reduce((n, f) => n + f.raw, 0),
  br: files.reduce((n, f) => n + f.br, 0),
  gzip: files.reduce((n, f) => n + f.gzip, 0),
});

/** Weighs `page` (e.g. `report.html`) as built in public/dist. */
export async function pageWeight(page: string): Promise<PageWeight> {
  const html = await readFile(join(DIST, page), 'utf8');
  const css = names(html, /<link rel="stylesheet" href="\/(assets\/[\w.-]+\.css)"/g);
  const scripts = names(html, /<script type="module" src="\/(assets\/[\w.-]+\.js)"/g);
  const first = new Set<string>([page, ...css]);
  const later = new Set<string>();
  // Breadth first: a module reached at once stays in `first` even if something later imports it.
  const walk = async (start: string[], into: Set<string>, deferred: string[]) => {
    const queue = [...start];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (first.has(path) || into.has(path)) continue;
      into.add(path);
      const text = await readFile(join(DIST, path), 'utf8');
      queue.push(...names(text, STATIC_IMPORT).map((n) => `assets/${n}`));
      deferred.push(...names(text, DYNAMIC_IMPORT).map((n) => `assets/${n}`));
      deferred.push(...names(text, WORKER_PATH).map((n) => `assets/${n}`));
    }
  };
  let deferred: string[] = [];
  await walk(scripts, first, deferred);
  while (deferred.length > 0) {
    const next: string[] = [];
    await walk(deferred, later, next);
    deferred = next.filter((p) => !first.has(p) && !later.has(p));
  }
  const firstFiles = await Promise.all([...first].map(weigh));
  const laterFiles = await Promise.all([...later].map(weigh));
  return {
    page,
    first: firstFiles,
    later: laterFiles,
    total: sum([...firstFiles, ...laterFiles]),
    firstTotal: sum(firstFiles),
  };
}
