// Attack 8, sign-in origin from the Host header: challenges name configured origins only. A
// request to any other host (a phishing site relaying requests under its own name) gets no
// challenge; a portal with two addresses names the one asked; production needs PUBLIC_ORIGIN.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { signInChallenge } from '../../src/client/supervisor';
import { ConfigError, loadConfig } from '../../src/config';
import { signChallenge } from '../../src/crypto';
import { demoKey, useHarness } from '../helpers/harness';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

const ONION = `http://${'a'.repeat(56)}.onion`;
const h = useHarness({ PUBLIC_ORIGIN: `http://localhost, ${ONION}` });

/** A request as a relaying site would make it: the path on another host. */
const at = (origin: string, path: string, init: RequestInit = {}) =>
  h.app.request(new URL(path, origin).toString(), init);

describe('sign-in origins', () => {
  it(
    'gives no challenge to a host that is not configured',
    async () => {
      for (const host of ['http://portal-login.example', 'https://localhost.evil.example']) {
        const res = await at(host, '/api/auth/challenge', {
          method: 'POST',
          headers: powHeaders(await proofOfWork(h.fetcher, 'sign-in')),
        });
        expect(res.status).toBe(403);
        expect(await res.text()).not.toContain('nonce');
      }
      await realUsersSucceed(h.fetcher, await demoKey(h, 'basic-supervisor'));
    },
    REAL_USERS_WITHIN_MS,
  );

  it('names the configured origin that was asked, and refuses it at the other', async () => {
    const key = await demoKey(h, 'basic-supervisor');
    const onion = (path: string, init?: RequestInit) => at(ONION, path, init);
    const { challenge } = await signInChallenge(onion);
    expect(challenge).toContain(`\norigin: ${ONION}\n`);
    const body = JSON.stringify({
      fingerprint: key.getFingerprint().toUpperCase(),
      challenge,
      signature: await signChallenge(challenge, key),
    });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    // Signed for the onion address, it opens no session on the clearnet one, nor on a stranger's.
    expect((await at('http://localhost', '/api/auth/sign-in', init)).status).toBe(401);
    expect((await at('http://relay.example', '/api/auth/sign-in', init)).status).toBe(403);
    expect((await onion('/api/auth/sign-in', init)).status).toBe(200);
  });

  it('is required in production, with the reason; development defaults to http://HOST:PORT', () => {
    expect(() => loadConfig({ PORTAL_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORTAL_ENV: 'production' })).toThrow(/PUBLIC_ORIGIN.*required/);
    expect(
      loadConfig({ PORTAL_ENV: 'production', PUBLIC_ORIGIN: 'https://a.example' }).publicOrigins,
    ).toEqual(['https://a.example']);
    expect(loadConfig({ HOST: '127.0.0.1', PORT: '8080' }).publicOrigins).toEqual([
      'http://127.0.0.1:8080',
    ]);
    expect(() => loadConfig({ PUBLIC_ORIGIN: 'ftp://a.example' })).toThrow(ConfigError);
  });
});
