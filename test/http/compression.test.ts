// Threat: BREACH, and pages too heavy for a Tor circuit. Static files go out as the build's brotli
// or gzip copy, chosen by Accept-Encoding and marked Vary; every API answer that can carry a
// secret (a receipt's case, the locked key, a session cookie, a case's content) goes out as is,
// however eagerly the browser asks for compression, and forbids compressing it on the way.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST } from '../../scripts/page-weight';
import { createApp } from '../../src/app';
import type { Fetcher } from '../../src/client/api';
import { openCase } from '../../src/client/reporter';
import { fetchCase, inbox, signIn } from '../../src/client/supervisor';
import { nodeStaticFiles } from '../../src/entry/node';
import { acceptedEncodings } from '../../src/http/static-files';
import { demoKey, type Harness, makeHarness, reportTo, withCookies } from '../helpers/harness';

const BROWSER = 'gzip, deflate, br, zstd';
let h: Harness;
let app: ReturnType<typeof createApp>;
/** Every request as a browser sends it, and every answer kept to be looked at. */
const answers: { path: string; res: Response }[] = [];
let fetcher: Fetcher;

beforeAll(async () => {
  h = await makeHarness();
  app = createApp(() => h.ctx, { staticFiles: nodeStaticFiles(DIST) });
  fetcher = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('accept-encoding', BROWSER);
    const res = await app.request(path, { ...init, headers });
    answers.push({ path, res: res.clone() });
    return res;
  };
});
afterAll(() => h.close());

const get = (path: string, encoding?: string) =>
  app.request(path, encoding === undefined ? {} : { headers: { 'accept-encoding': encoding } });

async function someScript(): Promise<string> {
  const name = (await readdir(join(DIST, 'assets'))).find((f) => f.endsWith('.js'));
  if (!name) throw new Error('no built script: run npm run build');
  return `/assets/${name}`;
}

describe('static files', () => {
  it('go out as the brotli copy when the browser takes it, and decode to the file', async () => {
    const path = await someScript();
    const res = await get(path, BROWSER);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(brotliDecompressSync(body).equals(await readFile(join(DIST, path)))).toBe(true);
    expect(body.length).toBeLessThan((await readFile(join(DIST, path))).length);
  });

  it('go out gzipped to a browser without brotli, and as stored to one that takes neither', async () => {
    const res = await get('/report', 'gzip, deflate');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const html = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    expect(html).toBe(await readFile(join(DIST, 'report.html'), 'utf8'));
    const plain = await get('/report');
    expect(plain.headers.get('content-encoding')).toBeNull();
    // Said even of the plain copy, so no cache hands it the compressed one or the reverse.
    expect(plain.headers.get('vary')).toContain('Accept-Encoding');
    expect(await plain.text()).toBe(html);
  });

  it('keep their strict headers when compressed', async () => {
    const res = await get(await someScript(), 'br');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('the choice of encoding', () => {
  it('follows the q-values and refuses what the browser refuses', () => {
    expect(acceptedEncodings('gzip, deflate, br, zstd')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('gzip;q=1.0, br;q=0')).toEqual(['gzip']);
    expect(acceptedEncodings('identity')).toEqual([]);
    expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('*;q=0, gzip')).toEqual(['gzip']);
    expect(acceptedEncodings(undefined)).toEqual([]);
  });
});

describe('answers that carry secrets (BREACH)', () => {
  it('are never compressed, and forbid compression on the way', async () => {
    // A reporter submits and comes back; a supervisor signs in and opens the case.
    const sent = await reportTo({ fetcher, units: h.units }, 'basic', 'Met the party after hours.');
    const session = await openCase(fetcher, sent.receipt);
    expect(session.view.reporterLockedKey).toContain('PRIVATE KEY');
    const supervisor = await signIn(withCookies(fetcher), await demoKey(h, 'basic-supervisor'));
    const page = await inbox(supervisor);
    await fetchCase(supervisor, page.items[0]!.id);
    const api = answers.filter((a) => a.path.startsWith('/api/'));
    const paths = new Set(api.map((a) => a.path.split('?')[0]));
    for (const p of ['/api/reports', '/api/receipt', '/api/auth/sign-in', '/api/cases'])
      expect(paths, p).toContain(p);
    for (const { path, res } of api) {
      expect(res.headers.get('content-encoding'), path).toBeNull();
      expect(res.headers.get('cache-control'), path).toContain('no-transform');
    }
    // The same browser does get the pages compressed: the difference is the kind of answer.
    expect((await fetcher('/report')).headers.get('content-encoding')).toBe('br');
  });
});
