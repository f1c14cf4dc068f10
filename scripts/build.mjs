// Bundles each reporter page's TypeScript entry into public/assets/<page>.js with esbuild.
import { readdir, rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(new URL('..', import.meta.url).pathname);
const pagesDir = resolve(root, 'public/src/pages');
const outdir = resolve(root, 'public/assets');

// Every file in pages/ is an entry, so adding a page needs no change here.
const entryPoints = (await readdir(pagesDir))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ in: resolve(pagesDir, f), out: basename(f, '.ts') }));

// Start clean so a removed page never leaves a stale bundle behind to be served.
await rm(outdir, { recursive: true, force: true });

const result = await build({
  entryPoints,
  outdir,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

const outputs = Object.entries(result.metafile.outputs).map(
  ([file, { bytes }]) => `  ${file.replace(`${root}/`, '')} ${(bytes / 1024).toFixed(0)} KiB`,
);
console.log(`Built ${entryPoints.length} page bundles:\n${outputs.join('\n')}`);
