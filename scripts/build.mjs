// Builds the browser side into public/dist: each page's TypeScript entry bundled by esbuild under
// a content-hashed name, the stylesheet likewise, the HTML pages rewritten to point at them with
// subresource integrity, and a release manifest of the SHA-256 of every file served.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(new URL('..', import.meta.url).pathname);
const publicDir = join(root, 'public');
const pagesDir = join(publicDir, 'src/pages');
const dist = join(publicDir, 'dist');
const assets = join(dist, 'assets');

const digest = (algorithm, bytes, encoding) => createHash(algorithm).update(bytes).digest(encoding);

/** Moves a built file to `name.<hash>.ext`; returns its public path and SRI value. */
async function hashed(file) {
  const bytes = await readFile(file);
  const name = basename(file).replace(
    /\.(\w+)$/,
    `.${digest('sha256', bytes, 'hex').slice(0, 16)}.$1`,
  );
  await rename(file, join(assets, name));
  return { path: `/assets/${name}`, integrity: `sha384-${digest('sha384', bytes, 'base64')}` };
}

// Start clean so a removed page never leaves a stale bundle behind to be served.
await rm(dist, { recursive: true, force: true });
await rm(join(publicDir, 'assets'), { recursive: true, force: true });
await mkdir(assets, { recursive: true });

// The report page's sealing worker first: pages are built knowing its hashed name. A classic
// (not module) worker, so that every browser the portal supports can start it; the CSP allows it
// through script-src 'self'.
await build({
  entryPoints: [{ in: join(publicDir, 'src/workers/seal.ts'), out: 'seal-worker' }],
  outdir: assets,
  bundle: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const worker = await hashed(join(assets, 'seal-worker.js'));

// Every file in pages/ is an entry, so adding a page needs no change here.
const entries = (await readdir(pagesDir)).filter((f) => f.endsWith('.ts'));
await build({
  define: { SEAL_WORKER_URL: JSON.stringify(worker.path) },
  entryPoints: entries.map((f) => ({ in: join(pagesDir, f), out: basename(f, '.ts') })),
  outdir: assets,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

const refs = new Map();
for (const f of entries)
  refs.set(
    `/assets/${basename(f, '.ts')}.js`,
    await hashed(join(assets, `${basename(f, '.ts')}.js`)),
  );
await copyFile(join(publicDir, 'styles.css'), join(assets, 'styles.css'));
refs.set('/styles.css', await hashed(join(assets, 'styles.css')));

// Parts pages share (head, brand, the reporter's header, a file picker) live once in
// public/partials, written without indentation. `<!-- include name key=value … -->` on a line of
// its own is replaced by the partial, indented like the comment, with each `{{key}}` filled in;
// a partial may include others.
const partialsDir = join(publicDir, 'partials');
const partials = new Map();
for (const f of await readdir(partialsDir)) {
  partials.set(
    basename(f, '.html'),
    (await readFile(join(partialsDir, f), 'utf8')).replace(/\n$/, ''),
  );
}

const INCLUDE = /^([ \t]*)<!-- include ([\w-]+)((?: [\w-]+=[\w-]+)*) -->$/gm;

function includePartials(html, page, depth = 0) {
  if (depth > 4) throw new Error(`${page}: partials include each other too deeply`);
  return html.replace(INCLUDE, (_line, indent, name, args) => {
    let part = partials.get(name);
    if (part === undefined) throw new Error(`${page}: no partial "${name}"`);
    for (const [, key, value] of args.matchAll(/ ([\w-]+)=([\w-]+)/g))
      part = part.replaceAll(`{{${key}}}`, value);
    const unset = /\{\{([\w-]+)\}\}/.exec(part);
    if (unset) throw new Error(`${page}: partial "${name}" needs ${unset[1]}=…`);
    const indented = part.replace(/^(?=.)/gm, indent);
    return includePartials(indented, page, depth + 1);
  });
}

function expand(html, page) {
  const out = includePartials(html, page);
  // Mark the current page in a shared navigation, unless the page already did.
  const route = page === 'index.html' ? '/' : `/${basename(page, '.html')}`;
  return out.replace(
    `<li><a href="${route}" data-i18n`,
    `<li><a href="${route}" aria-current="page" data-i18n`,
  );
}

// Point each page at the hashed files, with integrity, so a swapped file is refused by the browser.
const pages = (await readdir(publicDir)).filter((f) => f.endsWith('.html'));
for (const page of pages) {
  let html = expand(await readFile(join(publicDir, page), 'utf8'), page);
  html = html.replace(
    /<(script|link)\b([^>]*?)\b(src|href)="([^"]+)"([^>]*)>/g,
    (tag, el, before, attr, url, after) => {
      const ref = refs.get(url);
      if (!ref) return tag;
      return `<${el}${before}${attr}="${ref.path}" integrity="${ref.integrity}"${after}>`;
    },
  );
  await writeFile(join(dist, page), html);
}

// The release manifest: publish its hash out of band so anyone can check what a portal serves.
const files = [];
const walk = async (dir) => {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p);
    else files.push(p);
  }
};
await walk(dist);
const manifest = {
  release: JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version,
  files: Object.fromEntries(
    await Promise.all(
      files
        .sort()
        .map(async (f) => [`/${relative(dist, f)}`, digest('sha256', await readFile(f), 'hex')]),
    ),
  ),
};
await writeFile(join(dist, 'release-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `Built ${entries.length} pages into public/dist (${files.length} files; release-manifest.json lists their SHA-256).`,
);
