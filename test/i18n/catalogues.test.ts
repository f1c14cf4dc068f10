// The two message catalogues match key for key, every message is written in both languages with
// the same placeholders, and every key the pages and scripts use exists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../public/src/i18n/en';
import { zh } from '../../public/src/i18n/zh';

const catalogues: Record<string, Record<string, string>> = { en, zh };
const keys = new Set(Object.keys(en));
const namespaces = new Set([...keys].map((k) => k.split('.')[0]));

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? filesUnder(join(dir, e.name), ext)
      : e.name.endsWith(ext)
        ? [join(dir, e.name)]
        : [],
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have the same keys in English and Chinese, none empty', () => {
    const enKeys = Object.keys(en).sort();
    const zhKeys = Object.keys(zh).sort();
    expect(
      enKeys.filter((k) => !(k in zh)),
      'keys missing from zh',
    ).toEqual([]);
    expect(
      zhKeys.filter((k) => !(k in en)),
      'keys missing from en',
    ).toEqual([]);
    for (const [lang, cat] of Object.entries(catalogues))
      for (const [key, text] of Object.entries(cat))
        expect(text.trim(), `${lang} ${key} is empty`).not.toBe('');
    expect(enKeys.length).toBeGreaterThan(100);
  });

  it('use the same placeholders in both languages', () => {
    const mismatched = Object.keys(en).filter(
      (k) =>
        JSON.stringify(placeholders((en as Record<string, string>)[k]!)) !==
        JSON.stringify(placeholders((zh as Record<string, string>)[k] ?? '')),
    );
    expect(mismatched).toEqual([]);
  });

  it('translate the Chinese catalogue rather than copy the English one', () => {
    // Short identifiers (file names, product names) may stay the same; sentences may not.
    const copied = Object.keys(en).filter((k) => {
      const text = (en as Record<string, string>)[k]!;
      return text.length > 20 && text === (zh as Record<string, string>)[k];
    });
    expect(copied).toEqual([]);
  });

  it('contain every key named by a data-i18n attribute in the pages', () => {
    const pages = [
      ...readdirSync('public').filter((f) => f.endsWith('.html')),
      ...readdirSync(join('public', 'partials')).map((f) => join('partials', f)),
    ];
    expect(pages).toContain('report.html');
    expect(pages).toContain(join('partials', 'brand.html'));
    const missing: string[] = [];
    let used = 0;
    for (const page of pages) {
      const html = readFileSync(join('public', page), 'utf8');
      for (const m of html.matchAll(/data-i18n(?:-placeholder|-aria-label)?="([^"]*)"/g)) {
        // A partial's `{{key}}` is filled where it is included (checked below).
        if (m[1]!.startsWith('{{')) continue;
        used++;
        if (!keys.has(m[1]!)) missing.push(`${page}: ${m[1]}`);
      }
      // Keys the build writes from an include (scripts/build.mjs): a table's label, and its
      // header cells `prefix.name` for each name.
      for (const m of html.matchAll(/<!-- include [\w-]+ ([^>]*)-->/g)) {
        const args: Record<string, string> = Object.fromEntries(
          [...m[1]!.matchAll(/([\w-]+)=([\w.,-]+)/g)].map(([, k, v]) => [k!, v!]),
        );
        const named = [
          ...(args.label ? [args.label] : []),
          ...(args.prefix && args.names
            ? args.names.split(',').map((n) => `${args.prefix}.${n}`)
            : []),
        ];
        for (const key of named.filter((k) => !k.includes('{{'))) {
          used++;
          if (!keys.has(key)) missing.push(`${page}: ${key}`);
        }
      }
    }
    expect(used).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('contain every key literal used by the scripts', () => {
    const missing: string[] = [];
    let used = 0;
    for (const file of filesUnder(join('public', 'src'), '.ts')) {
      if (file.includes(`${join('src', 'i18n')}`)) continue;
      const source = readFileSync(file, 'utf8');
      // t('key'), i18n: 'key', setI18n(el, 'key'), showStatus(el, tone, 'key'), key: 'key', …:
      // every quoted string shaped like a key in one of the catalogue's namespaces.
      for (const m of source.matchAll(/['"`]([a-z][a-zA-Z]*(?:\.[a-zA-Z0-9_]+)+)['"`]/g)) {
        const key = m[1]!;
        if (!namespaces.has(key.split('.')[0]!)) continue;
        used++;
        // A prefix such as label('audit.action', value) names a family of keys.
        const family = [...keys].some((k) => k.startsWith(`${key}.`));
        if (!keys.has(key) && !family) missing.push(`${file}: ${key}`);
      }
      for (const m of source.matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) {
        if (!keys.has(m[1]!)) missing.push(`${file}: t('${m[1]}')`);
      }
    }
    expect(used).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
