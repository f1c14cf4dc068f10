// Enrolment and approval: the keys supervisors really have are accepted, weak or unusable ones
// are refused with a reason, and a unit's published key set is exactly its approved keys.
// scenario: node and workerd
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { signIn } from '../../src/client/supervisor';
import { demoKey, demoUnit, type Harness, makeHarness, withCookies } from '../helpers/harness';

let h: Harness;
let unitId: string;
beforeAll(async () => {
  h = await makeHarness();
  unitId = demoUnit(await h.units(), 'basic').id;
});
afterAll(() => h.close());

async function enrol(publicKey: string, displayName = 'New supervisor') {
  const pow = await proofOfWork(h.fetcher, 'submit');
  const res = await h.app.request('/api/supervisors/enrol', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...powHeaders(pow) },
    body: JSON.stringify({ unitId, displayName, publicKey }),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      id: string;
      status: string;
      error?: { code: string; message: string };
    },
  };
}

const gen = (opts: Record<string, unknown>) =>
  openpgp.generateKey({ userIDs: [{ name: 'S' }], format: 'armored', ...opts } as Parameters<
    typeof openpgp.generateKey
  >[0] & { format: 'armored' });

describe('enrolment', () => {
  it('accepts GnuPG-style v4 curve25519, RSA 3072 and openpgp.js v6 keys as pending', async () => {
    const legacy = await gen({ type: 'ecc', curve: 'curve25519Legacy' });
    const rsa = await gen({ type: 'rsa', rsaBits: 3072 });
    const v6 = await gen({ type: 'curve25519', config: { v6Keys: true } });
    for (const k of [legacy, rsa, v6]) {
      const r = await enrol(k.publicKey);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.status).toBe('pending');
    }
  });

  it('refuses weak, expired, revoked, encryption-less and private keys with a reason', async () => {
    const weak = await gen({ type: 'rsa', rsaBits: 2048 });
    const expired = await gen({
      type: 'ecc',
      curve: 'curve25519Legacy',
      keyExpirationTime: 1,
      date: new Date(Date.now() - 10_000),
    });
    const revoked = await gen({ type: 'ecc', curve: 'curve25519Legacy' });
    const revokedKey = await openpgp.revokeKey({
      key: await openpgp.readKey({ armoredKey: revoked.publicKey }),
      revocationCertificate: revoked.revocationCertificate,
      format: 'armored',
    });
    const signOnly = await gen({ type: 'ecc', curve: 'curve25519Legacy', subkeys: [] });
    const cases: [string, RegExp][] = [
      [weak.publicKey, /3072/],
      [expired.publicKey, /expired/],
      [revokedKey.publicKey, /revoked/],
      [signOnly.publicKey, /encrypt/],
    ];
    for (const [key, reason] of cases) {
      const r = await enrol(key);
      expect(r.status).toBe(422);
      expect(r.body.error?.code).toBe('key_rejected');
      expect(r.body.error?.message).toMatch(reason);
    }
    expect((await enrol(weak.privateKey)).status).toBe(400);
  });

  it('publishes a key only once an administrator approves it, and withdraws it on revocation', async () => {
    const k = await gen({ type: 'ecc', curve: 'curve25519Legacy' });
    const { body } = await enrol(k.publicKey, 'Wang Fang');
    const keysOf = async () => demoUnit(await h.units(), 'basic').keys.map((x) => x.fingerprint);
    const fingerprint = (await openpgp.readKey({ armoredKey: k.publicKey }))
      .getFingerprint()
      .toUpperCase();
    expect(await keysOf()).not.toContain(fingerprint);

    const supervisor = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const forbidden = await supervisor.fetcher(`/api/admin/supervisors/${body.id}/approve`, {
      method: 'POST',
      headers: { 'x-csrf-token': supervisor.csrfToken },
    });
    expect(forbidden.status).toBe(403);

    const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    const pending = (await (
      await admin.fetcher('/api/admin/supervisors?status=pending')
    ).json()) as { supervisors: { id: string }[] };
    expect(pending.supervisors.map((s) => s.id)).toContain(body.id);
    const approve = await admin.fetcher(`/api/admin/supervisors/${body.id}/approve`, {
      method: 'POST',
      headers: { 'x-csrf-token': admin.csrfToken },
    });
    expect(approve.status).toBe(200);
    expect(((await approve.json()) as { status: string }).status).toBe('pending');
    // Four eyes: one administrator's approval activates nothing, and a second try is refused.
    expect(await keysOf()).not.toContain(fingerprint);
    const again = await admin.fetcher(`/api/admin/supervisors/${body.id}/approve`, {
      method: 'POST',
      headers: { 'x-csrf-token': admin.csrfToken },
    });
    expect(again.status).toBe(409);
    expect(await keysOf()).not.toContain(fingerprint);
    const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
    const second = await auditor.fetcher(`/api/admin/supervisors/${body.id}/approve`, {
      method: 'POST',
      headers: { 'x-csrf-token': auditor.csrfToken },
    });
    expect(second.status).toBe(200);
    expect(((await second.json()) as { status: string }).status).toBe('approved');
    expect(await keysOf()).toContain(fingerprint);

    // The new supervisor can now sign in; after revocation the key is withdrawn and sign-in fails.
    const own = await openpgp.readPrivateKey({ armoredKey: k.privateKey });
    const session = await signIn(withCookies(h.fetcher), own);
    expect(session.supervisor.displayName).toBe('Wang Fang');
    await admin.fetcher(`/api/admin/supervisors/${body.id}/revoke`, {
      method: 'POST',
      headers: { 'x-csrf-token': admin.csrfToken },
    });
    expect(await keysOf()).not.toContain(fingerprint);
    expect((await session.fetcher('/api/auth/me')).status).toBe(401);
    await expect(signIn(withCookies(h.fetcher), own)).rejects.toMatchObject({ status: 401 });

    const audit = (await (await admin.fetcher('/api/audit?limit=500')).json()) as {
      entries: { action: string; targetId: string | null }[];
    };
    const mine = audit.entries.filter((e) => e.targetId === body.id).map((e) => e.action);
    expect(mine).toEqual([
      'supervisor.enrol',
      'supervisor.approve',
      'supervisor.approve',
      'supervisor.revoke',
    ]);
  });

  it('lets an administrator reject an enrolment', async () => {
    const k = await gen({ type: 'ecc', curve: 'curve25519Legacy' });
    const { body } = await enrol(k.publicKey);
    const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    const res = await admin.fetcher(`/api/admin/supervisors/${body.id}/reject`, {
      method: 'POST',
      headers: { 'x-csrf-token': admin.csrfToken },
    });
    expect(((await res.json()) as { status: string }).status).toBe('rejected');
    await expect(
      signIn(withCookies(h.fetcher), await openpgp.readPrivateKey({ armoredKey: k.privateKey })),
    ).rejects.toMatchObject({ status: 401 });
  });
});
