// Attack 2, lock-out: fingerprints are public, so a stranger could name a supervisor's key in
// junk sign-ins. Nothing is counted per key: each attempt spends its own paid challenge, and no
// one but the key holder holds theirs, so the holder always gets in.
// scenario: node and workerd
import { describe, expect, it } from 'vitest';
import { signInChallenge } from '../../src/client/supervisor';
import { signChallenge } from '../../src/crypto';
import { demoKey, useHarness } from '../helpers/harness';
import { REAL_USERS_WITHIN_MS, realUsersSucceed } from './helpers/real-users';

const h = useHarness();

const attempt = (fingerprint: string, challenge: string, signature: string) =>
  h.app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fingerprint, challenge, signature }),
  });

describe('sign-in lock-out', () => {
  it(
    'fifty junk sign-ins naming a key leave its holder able to sign in at once',
    async () => {
      const victim = await demoKey(h, 'basic-supervisor');
      const stranger = await demoKey(h, 'provincial-supervisor');
      const fingerprint = victim.getFingerprint().toUpperCase();
      for (let i = 0; i < 50; i++) {
        const { challenge } = await signInChallenge(h.fetcher);
        const res = await attempt(fingerprint, challenge, await signChallenge(challenge, stranger));
        expect(res.status).toBe(401);
      }
      await realUsersSucceed(h.fetcher, victim);
    },
    REAL_USERS_WITHIN_MS,
  );

  it('allows one attempt per challenge: a refused one cannot be tried again', async () => {
    const key = await demoKey(h, 'basic-supervisor');
    const stranger = await demoKey(h, 'provincial-supervisor');
    const { challenge } = await signInChallenge(h.fetcher);
    const fingerprint = key.getFingerprint().toUpperCase();
    expect(
      (await attempt(fingerprint, challenge, await signChallenge(challenge, stranger))).status,
    ).toBe(401);
    const again = await attempt(fingerprint, challenge, await signChallenge(challenge, key));
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
      /already used/,
    );
  });

  it('refuses a challenge this server did not issue, before any signature is checked', async () => {
    const key = await demoKey(h, 'basic-supervisor');
    const { challenge } = await signInChallenge(h.fetcher);
    const forged = challenge.replace(
      /nonce: (\S+)\.(\S+)/,
      (_, r: string, m: string) => `nonce: ${r}.${m.slice(1)}A`,
    );
    const res = await attempt(
      key.getFingerprint().toUpperCase(),
      forged,
      await signChallenge(forged, key),
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /not issued/,
    );
  });
});
