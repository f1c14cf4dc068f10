// Builds the browser side into public/dist: every page's TypeScript entry and the sealing worker
// bundled by esbuild as ES modules with the shared code (openpgp.js above all) split into chunks
// every page caches, each file under a content-hashed name; the HTML pages rewritten to point at
// them with subresource integrity; brotli and gzip copies of every text file beside it; and a
// release manifest of the SHA-256 of every file served.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { compressAll } from './compress.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const publicDir = join(root, 'public');
const pagesDir = join(publicDir, 'src/pages');
const dist = join(publicDir, 'dist');
const assets = join(dist, 'assets');

const digest = (algorithm, bytes, encoding) => createHash(algorithm).update(bytes).digest(encoding);
const sri = (bytes) => `sha384-${digest('sha384', bytes, 'base64')}`;

// Start clean so a removed page never leaves a stale bundle behind to be served.
await rm(dist, { recursive: true, force: true });
await rm(join(publicDir, 'assets'), { recursive: true, force: true });
await mkdir(assets, { recursive: true });

// The pages know the worker by this path until it gets its hashed name below. It is a module
// worker, so that it shares the openpgp.js chunk with the pages instead of carrying its own copy.
const WORKER_PLACEHOLDER = '/assets/seal-worker.js';

// Every file in pages/ is an entry, so adding a page needs no change here.
const entries = (await readdir(pagesDir)).filter((f) => f.endsWith('.ts'));
const result = await build({
  define: { SEAL_WORKER_URL: JSON.stringify(WORKER_PLACEHOLDER) },
  entryPoints: [
    ...entries.map((f) => ({ in: join(pagesDir, f), out: basename(f, '.ts') })),
    { in: join(publicDir, 'src/workers/seal.ts'), out: 'seal-worker' },
  ],
  outdir: assets,
  bundle: true,
  // Code used by several entries (or loaded later with import()) goes to shared chunks, fetched
  // once and cached for good under their hashed names.
  splitting: true,
  format: 'esm',
  chunkNames: 'shared-[hash]',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

/**
 * Names every output after the SHA-256 of its final bytes. A file's bytes hold the names of the
 * chunks it imports (and the report page's the worker's), so those are renamed first.
 */
async function hashOutputs(metafile) {
  const outputs = new Map();
  for (const [path, out] of Object.entries(metafile.outputs)) {
    const file = resolve(root, path);
    const text = await readFile(file, 'utf8');
    const deps = out.imports
      .filter((i) => !i.external)
      .map((i) => basename(i.path))
      .filter((n) => n !== basename(file));
    if (text.includes(WORKER_PLACEHOLDER)) deps.push('seal-worker.js');
    outputs.set(basename(file), { file, text, deps, imports: out.imports, entry: out.entryPoint });
  }
  const renamed = new Map();
  const visiting = new Set();
  const visit = async (name) => {
    if (renamed.has(name)) return;
    if (visiting.has(name)) throw new Error(`build: ${name} imports itself through others`);
    visiting.add(name);
    const o = outputs.get(name);
    for (const dep of o.deps) await visit(dep);
    let text = o.text;
    for (const dep of o.deps) {
      const to = renamed.get(dep).name;
      text = text.replaceAll(`./${dep}`, `./${to}`);
      if (dep === 'seal-worker.js') text = text.replaceAll(WORKER_PLACEHOLDER, `/assets/${to}`);
    }
    const bytes = Buffer.from(text);
    const stem = name.replace(/-[A-Z0-9]+\.js$|\.js$/, '');
    const hashedName = `${stem}.${digest('sha256', bytes, 'hex').slice(0, 16)}.js`;
    await writeFile(join(assets, hashedName), bytes);
    await rm(o.file);
    renamed.set(name, { name: hashedName, integrity: sri(bytes) });
  };
  for (const name of outputs.keys()) await visit(name);
  return { outputs, renamed };
}

const { outputs, renamed } = await hashOutputs(result.metafile);

/** Every chunk an entry needs, now or later (its import() calls), by hashed name: preloaded. */
function chunksOf(name, seen = new Set()) {
  for (const dep of outputs.get(name).deps) {
    if (dep === 'seal-worker.js' || seen.has(dep)) continue;
    seen.add(dep);
    chunksOf(dep, seen);
  }
  return [...seen].map((dep) => renamed.get(dep));
}

const refs = new Map();
for (const f of entries) {
  const name = `${basename(f, '.ts')}.js`;
  refs.set(`/assets/${name}`, { ...renamed.get(name), chunks: chunksOf(name) });
}
const css = await readFile(join(publicDir, 'styles.css'));
const cssName = `styles.${digest('sha256', css, 'hex').slice(0, 16)}.css`;
await writeFile(join(assets, cssName), css);
refs.set('/styles.css', { name: cssName, integrity: sri(css), chunks: [] });

// Parts pages share (head, brand, the reporter's header, a file picker) live once in
// public/partials, written without indentation. `<!-- include name key=value … -->` on a line of
// its own is replaced by the partial, indented like the comment, with each `{{key}}` filled in;
// a partial may include others. Two includes are made here, not read: `<!-- include columns
// prefix=p names=a,b -->`, one `<th scope="col" data-i18n="p.a"></th>` line for each name, and
// `<!-- include options prefix=p names=a,b -->`, one `<option value="a" data-i18n="p.a">` each.
const partialsDir = join(publicDir, 'partials');
const partials = new Map();
for (const f of await readdir(partialsDir)) {
  partials.set(
    basename(f, '.html'),
    (await readFile(join(partialsDir, f), 'utf8')).replace(/\n$/, ''),
  );
}

const INCLUDE = /^([ \t]*)<!-- include ([\w-]+)((?: [\w-]+=[\w.,-]+)*) -->$/gm;

/** Header cells of a data table, or options of a select, each labelled by `prefix.name`. */
const GENERATED = {
  columns: (prefix, name) => `<th scope="col" data-i18n="${prefix}.${name}"></th>`,
  options: (prefix, name) => `<option value="${name}" data-i18n="${prefix}.${name}"></option>`,
};
const generated = (kind, args) =>
  args.names
    .split(',')
    .map((name) => GENERATED[kind](args.prefix, name))
    .join('\n');

function includePartials(html, page, depth = 0) {
  if (depth > 4) throw new Error(`${page}: partials include each other too deeply`);
  return html.replace(INCLUDE, (_line, indent, name, args) => {
    const values = Object.fromEntries(
      [...args.matchAll(/ ([\w-]+)=([\w.,-]+)/g)].map(([, key, value]) => [key, value]),
    );
    const made = Object.hasOwn(GENERATED, name);
    if (made && !(values.prefix && values.names))
      throw new Error(`${page}: ${name} needs prefix=… and names=…`);
    let part = made ? generated(name, values) : partials.get(name);
    if (part === undefined) throw new Error(`${page}: no partial "${name}"`);
    for (const [key, value] of Object.entries(values)) part = part.replaceAll(`{{${key}}}`, value);
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

// Point each page at the hashed files, with integrity, so a swapped file is refused by the
// browser. A module's imports carry no integrity of their own, so each chunk the page's script
// imports (at once or later) is preloaded here with its integrity: the browser keeps that copy
// for the import. Preloading does not hold the page back: its script runs as soon as its own
// static imports are in, while the crypto chunk is still on its way.
const pages = (await readdir(publicDir)).filter((f) => f.endsWith('.html'));
for (const page of pages) {
  let html = expand(await readFile(join(publicDir, page), 'utf8'), page);
  html = html.replace(
    /^([ \t]*)<(script|link)\b([^>]*?)\b(src|href)="([^"]+)"([^>]*)>(<\/script>)?$/gm,
    (tag, indent, el, before, attr, url, after, close = '') => {
      const ref = refs.get(url);
      if (!ref) return tag;
      const preloads = ref.chunks.map(
        (c) =>
          `\n${indent}<link rel="modulepreload" href="/assets/${c.name}" integrity="${c.integrity}">`,
      );
      return `${indent}<${el}${before}${attr}="/assets/${ref.name}" integrity="${ref.integrity}"${after}>${close}${preloads.join('')}`;
    },
  );
  await writeFile(join(dist, page), html);
}

// Brotli and gzip copies, made once here rather than on every request.
const compressed = await compressAll(dist);

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
  `Built ${entries.length} pages into public/dist (${files.length} files, ${compressed} compressed twice; release-manifest.json lists their SHA-256).`,
);
