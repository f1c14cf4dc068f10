// The Worker entry itself, inside workerd: bindings checked at the entry with a clear 503 instead
// of a crash, demo data refused in production, pages served through the app with its headers.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashesFrom, sha256, toHex } from '../../src/crypto/encoding';
import worker from '../../src/entry/worker';
import { R2BlobStore, type R2BucketLike } from '../../src/storage/r2-blobs';
import { makeHarness } from './harness';

const base: Record<string, unknown> = { ...env, PORTAL_ENV: 'test' };
const call = (bindings: Record<string, unknown>, path: string) =>
  worker.fetch(new Request(`http://portal.test${path}`), bindings, {});

async function expectSetupError(bindings: Record<string, unknown>, mentions: RegExp) {
  const api = await call(bindings, '/api/units');
  expect(api.status).toBe(503);
  const body = (await api.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('unavailable');
  expect(body.error.message).toMatch(mentions);
  const page = await call(bindings, '/report');
  expect(page.status).toBe(503);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(await page.text()).toMatch(mentions);
}

describe('worker entry', () => {
  it('runs inside workerd, not Node', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });

  it('hashes with @noble/hashes: the `#hashes` import condition leaves node:crypto to Node', () => {
    expect(hashesFrom).toBe('@noble/hashes');
    expect(toHex(sha256('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('answers missing or bad bindings and vars with a clear 503', async () => {
    const { BLOBS: _, ...noBlobs } = base;
    await expectSetupError(noBlobs, /BLOBS: is missing or not an R2 bucket binding/);
    const { DB: __, ...noDb } = base;
    await expectSetupError(noDb, /DB: is missing/);
    await expectSetupError({ ...base, DB: 'nope' }, /DB: is not a D1 database binding/);
    await expectSetupError(
      { ...base, DATABASE_DRIVER: 'libsql' },
      /DATABASE_URL: is required when DATABASE_DRIVER = .{1,6}libsql/,
    );
    await expectSetupError({ ...base, DATABASE_DRIVER: 'postgres' }, /DATABASE_DRIVER/);
    await expectSetupError({ ...base, POW_SUBMIT_DIFFICULTY: '99' }, /POW_SUBMIT_DIFFICULTY/);
  });

  it('never shows a secret or an internal error in the 503', async () => {
    const res = await call(
      {
        ...base,
        DATABASE_DRIVER: 'libsql',
        DATABASE_URL: 'http://127.0.0.1:9',
        DATABASE_AUTH_TOKEN: 'secret-token-value',
      },
      '/api/units',
    );
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain('secret-token-value');
    expect(text).not.toContain('127.0.0.1');
  });

  it('tells the operator to migrate an empty database', async () => {
    await expectSetupError({ ...base, DB: env.EMPTY_DB }, /no tables yet.*\n.*migrations apply/);
  });

  it('refuses demo units in production', async () => {
    await makeHarness();
    await expectSetupError({ ...base, PORTAL_ENV: 'production' }, /DEMO units and keys/);
  });

  it('serves the pages through the app, with its security headers, and not the sources', async () => {
    await makeHarness();
    const page = await call(base, '/report');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await call(base, '/')).status).toBe(200);
    expect((await call(base, '/follow-up')).status).toBe(200);
    expect((await call(base, '/src/pages/report.ts')).status).toBe(404);
    expect((await call(base, '/api/units')).status).toBe(200);
  });

  it('keeps R2 keys to our own IDs', async () => {
    const store = new R2BlobStore(env.BLOBS as R2BucketLike);
    await expect(store.get('../../etc/passwd')).rejects.toThrow('invalid blob key');
    await store.put('AAAAAAAAAAAAAAAAAAAAAA', new Uint8Array([1, 2, 3]));
    expect(await store.get('AAAAAAAAAAAAAAAAAAAAAA')).toEqual(new Uint8Array([1, 2, 3]));
    await store.delete('AAAAAAAAAAAAAAAAAAAAAA');
    expect(await store.get('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });
});
