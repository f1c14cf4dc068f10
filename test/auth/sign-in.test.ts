// Key-based sign-in: a signed, single-use, origin- and purpose-bound challenge opens a session.
// scenario: node and workerd
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/client/api';
import { signIn, signOut } from '../../src/client/supervisor';
import { signChallenge } from '../../src/crypto';
import { demoKey, type Harness, makeHarness, withCookies } from '../helpers/harness';

let h: Harness;
let key: openpgp.PrivateKey;
beforeAll(async () => {
  // Failed attempts here are deliberate; throttling has its own test under test/security.
  h = await makeHarness({ SIGN_IN_FAILURES: '100' });
  key = await demoKey(h, 'basic-supervisor');
});
afterAll(() => h.close());

async function challenge(): Promise<string> {
  const res = await h.app.request('/api/auth/challenge', { method: 'POST' });
  return ((await res.json()) as { challenge: string }).challenge;
}

async function attempt(text: string, signature: string, fingerprint = key.getFingerprint()) {
  return h.app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fingerprint: fingerprint.toUpperCase(), challenge: text, signature }),
  });
}

describe('sign-in', () => {
  it('opens a session with a HttpOnly, Secure, SameSite=Strict cookie for a valid signature', async () => {
    const text = await challenge();
    expect(text).toContain('origin: http://localhost');
    expect(text).toContain('purpose: supervisor-sign-in');
    const res = await attempt(text, await signChallenge(text, key));
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-portal-session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
  });

  it('refuses a replayed challenge', async () => {
    const text = await challenge();
    const signature = await signChallenge(text, key);
    expect((await attempt(text, signature)).status).toBe(200);
    expect((await attempt(text, signature)).status).toBe(401);
  });

  it('refuses an expired challenge', async () => {
    const text = await challenge();
    const signature = await signChallenge(text, key);
    h.advance(6 * 60_000);
    try {
      const res = await attempt(text, signature);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /expired/,
      );
    } finally {
      h.advance(-6 * 60_000);
    }
  });

  it('refuses a challenge rewritten for another purpose or another site', async () => {
    for (const [from, to] of [
      ['purpose: supervisor-sign-in', 'purpose: approve-supervisor'],
      ['origin: http://localhost', 'origin: https://portal.example'],
    ] as const) {
      const text = (await challenge()).replace(from, to);
      const res = await attempt(text, await signChallenge(text, key));
      expect(res.status).toBe(401);
    }
  });

  it('refuses a signature by a key other than the enrolled one', async () => {
    const other = await demoKey(h, 'provincial-supervisor');
    const text = await challenge();
    expect((await attempt(text, await signChallenge(text, other))).status).toBe(401);
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'stranger' }],
      format: 'object',
    });
    const text2 = await challenge();
    const res = await attempt(
      text2,
      await signChallenge(text2, privateKey),
      privateKey.getFingerprint(),
    );
    expect(res.status).toBe(401);
  });

  it('rotates, requires the CSRF token for changes, and ends on sign-out', async () => {
    const jar = withCookies(h.fetcher);
    const first = await signIn(jar, key);
    const firstCookie = jar.jar.get('__Host-portal-session');
    const second = await signIn(jar, key);
    expect(jar.jar.get('__Host-portal-session')).not.toBe(firstCookie);
    // The rotated-out session no longer works.
    const stale = await h.app.request('/api/auth/me', {
      headers: { cookie: `__Host-portal-session=${firstCookie}` },
    });
    expect(stale.status).toBe(401);
    expect(first.csrfToken).not.toBe(second.csrfToken);

    const noCsrf = await jar('/api/auth/sign-out', { method: 'POST' });
    expect(noCsrf.status).toBe(403);
    const crossSite = await jar('/api/auth/sign-out', {
      method: 'POST',
      headers: { 'x-csrf-token': second.csrfToken, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect((await jar('/api/auth/me')).status).toBe(200);
    await signOut(second);
    expect((await jar('/api/auth/me')).status).toBe(401);
  });

  it('expires sessions after idle time and after the absolute limit', async () => {
    const jar = withCookies(h.fetcher);
    await signIn(jar, key);
    h.advance(31 * 60_000);
    try {
      expect((await jar('/api/auth/me')).status).toBe(401);
    } finally {
      h.advance(-31 * 60_000);
    }
    const jar2 = withCookies(h.fetcher);
    await signIn(jar2, key);
    for (let i = 0; i < 25; i++) {
      h.advance(29 * 60_000);
      const res = await jar2('/api/auth/me');
      if (res.status === 401) break;
    }
    const afterHours = await jar2('/api/auth/me');
    h.advance(-25 * 29 * 60_000);
    expect(afterHours.status).toBe(401);
  });

  it('is refused to a signed-in client that is not approved', async () => {
    await expect(
      signIn(
        h.fetcher,
        (
          await openpgp.generateKey({
            type: 'ecc',
            curve: 'curve25519Legacy',
            userIDs: [{ name: 'x' }],
            format: 'object',
          })
        ).privateKey,
      ),
    ).rejects.toBeInstanceOf(ApiError);
  });
});
