// Threat: tampered or stale JavaScript served to reporters. Scripts and styles are served under
// content-hashed names with subresource integrity, and the release manifest hashes every file,
// so a swapped file is refused by the browser and visible to anyone who compares.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Ctx } from '../../src/context';

const DIST = new URL('../../public/dist', import.meta.url).pathname;
const digest = (alg: string, bytes: Buffer, enc: 'hex' | 'base64') =>
  createHash(alg).update(bytes).digest(enc);

describe('served code', () => {
  it('every page loads its script and stylesheet by hashed name with matching integrity', async () => {
    const pages = (await readdir(DIST)).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) {
      const html = await readFile(join(DIST, page), 'utf8');
      const tags = [
        ...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="(\/assets\/[^"]+)"[^>]*>/g),
      ];
      expect(tags.length, page).toBeGreaterThanOrEqual(2);
      for (const [tag, url] of tags) {
        const bytes = await readFile(join(DIST, url!));
        expect(url).toMatch(/\.[0-9a-f]{16}\.(js|css)$/);
        expect(tag).toContain(`integrity="sha384-${digest('sha384', bytes, 'base64')}"`);
      }
      expect(html).not.toMatch(/(src|href)="\/(styles\.css|assets\/[\w-]+\.js)"/);
    }
  });

  it('the release manifest lists the SHA-256 of every file served', async () => {
    const manifest = JSON.parse(await readFile(join(DIST, 'release-manifest.json'), 'utf8')) as {
      files: Record<string, string>;
    };
    const listed = Object.keys(manifest.files).sort();
    const onDisk: string[] = [];
    const walk = async (dir: string, prefix: string) => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(dir, e.name), `${prefix}${e.name}/`);
        else if (e.name !== 'release-manifest.json') onDisk.push(`/${prefix}${e.name}`);
      }
    };
    await walk(DIST, '');
    expect(listed).toEqual(onDisk.sort());
    for (const [path, hash] of Object.entries(manifest.files))
      expect(digest('sha256', await readFile(join(DIST, path)), 'hex')).toBe(hash);
  });

  it('caches hashed assets for good and nothing else', async () => {
    const config = loadConfig({ PORTAL_ENV: 'test' });
    const app = createApp(() => ({ config }) as Ctx, { staticFiles: serveStatic({ root: DIST }) });
    const asset = (await readdir(join(DIST, 'assets')))[0]!;
    const cached = await app.request(`/assets/${asset}`);
    expect(cached.status).toBe(200);
    expect(cached.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(cached.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await app.request('/report.html')).headers.get('cache-control')).toBe(
      'no-store, no-transform',
    );
    expect((await app.request('/release-manifest.json')).headers.get('cache-control')).toBe(
      'no-store, no-transform',
    );
  });
});
