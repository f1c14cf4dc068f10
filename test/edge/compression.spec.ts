// Inside workerd, through the Worker entry and its static-assets binding: pages and scripts go out
// as the build's brotli or gzip copy, byte for byte, marked Vary; API answers that carry secrets
// go out uncompressed and forbid compression on the way (BREACH), however the browser asks.
import { describe, expect, it } from 'vitest';
import { openCase } from '../../src/client/reporter';
import { makeHarness, reportTo } from './harness';

const BROWSER = 'gzip, deflate, br, zstd';

async function gunzip(bytes: ArrayBuffer): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

describe('static files on Workers', () => {
  it('are sent as the gzip copy, which decodes to the page, with Vary', async () => {
    const h = await makeHarness();
    const plain = await h.app.request('/report');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toContain('Accept-Encoding');
    const html = await plain.text();
    const gz = await h.app.request('/report', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toContain('Accept-Encoding');
    expect(gz.headers.get('content-type')).toContain('text/html');
    expect(gz.headers.get('content-security-policy')).toContain("script-src 'self'");
    const bytes = await gz.arrayBuffer();
    expect(bytes.byteLength).toBeLessThan(html.length);
    expect(await gunzip(bytes)).toBe(html);
  });

  it('are sent as the brotli copy the build made when the browser takes brotli', async () => {
    const h = await makeHarness();
    const html = await (await h.app.request('/report')).text();
    const script = /<script type="module" src="(\/assets\/[\w.-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const br = await h.app.request(script!, { headers: { 'accept-encoding': BROWSER } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The bytes are the build's copy as stored, not compressed a second time on the way out.
    const stored = await h.app.request(`${script}.br`);
    expect(new Uint8Array(await br.arrayBuffer())).toEqual(
      new Uint8Array(await stored.arrayBuffer()),
    );
    const refused = await h.app.request(script!, { headers: { 'accept-encoding': 'br;q=0' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
  });
});

describe('answers that carry secrets on Workers (BREACH)', () => {
  it('are never compressed, and forbid compression on the way', async () => {
    const h = await makeHarness();
    const seen: { path: string; res: Response }[] = [];
    const fetcher = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('accept-encoding', BROWSER);
      const res = await h.fetcher(path, { ...init, headers });
      seen.push({ path, res: res.clone() });
      return res;
    };
    const sent = await reportTo({ fetcher, units: h.units }, 'basic', 'Met the party after hours.');
    await openCase(fetcher, sent.receipt);
    const paths = seen.map((s) => s.path.split('?')[0]);
    expect(paths).toEqual(expect.arrayContaining(['/api/reports', '/api/receipt']));
    for (const { path, res } of seen) {
      expect(res.headers.get('content-encoding'), path).toBeNull();
      expect(res.headers.get('cache-control'), path).toContain('no-transform');
    }
  });
});
