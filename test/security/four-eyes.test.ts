// Four eyes: one administrator alone cannot make a key that reads cases, a recovery key or an
// administrator active. The answer is a 4xx with a clear message, nothing turns active, and the
// auditor's approval is what completes it. Real database, real keys, through the HTTP API.
import { eq } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supervisors } from '../../db/schema';
import { OPERATOR_ACTOR_ID } from '../../src/auth/actor';
import { signIn } from '../../src/client/supervisor';
import { createAdministrator, decide } from '../../src/supervisors/service';
import {
  demoKey,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let admin: Awaited<ReturnType<typeof signIn>>;
let auditor: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  h = await makeHarness();
  admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
  auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
});
afterAll(() => h.close());

const post = (s: typeof admin, path: string, body: unknown = {}) =>
  s.fetcher(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
    body: JSON.stringify(body),
  });
const statusOf = async (id: string) =>
  (await h.ctx.db.select().from(supervisors).where(eq(supervisors.id, id)))[0]?.status;
const readersOf = async (level: 'basic' | 'provincial') =>
  demoUnit(await h.units(), level).keys.map((k) => k.fingerprint);

describe('one administrator alone', () => {
  it('cannot activate a supervisor key: the second try is a 409 and the key stays pending', async () => {
    const unitId = demoUnit(await h.units(), 'basic').id;
    const key = await enrolKey(h, unitId, 'Newcomer');
    const before = await readersOf('basic');
    const first = await post(admin, `/api/admin/supervisors/${key.id}/approve`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'pending', approvals: ['admin'] });
    const again = await post(admin, `/api/admin/supervisors/${key.id}/approve`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toBe(
      'You have already approved this key. It becomes active only when an administrator and an auditor have both approved it.',
    );
    expect(await statusOf(key.id)).toBe('pending');
    expect(await readersOf('basic')).toEqual(before);
    await expect(signIn(withCookies(h.fetcher), key.key)).rejects.toMatchObject({ status: 401 });

    const second = await post(auditor, `/api/admin/supervisors/${key.id}/approve`);
    expect(second.status).toBe(200);
    expect(await statusOf(key.id)).toBe('approved');
    expect(await readersOf('basic')).toHaveLength(before.length + 1);
  });

  it('cannot activate a recovery key, and an auditor alone cannot reject or revoke', async () => {
    const unitId = demoUnit(await h.units(), 'provincial').id;
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Recovery' }],
      format: 'armored',
    });
    const set = await post(admin, `/api/admin/units/${unitId}/recovery-key`, { publicKey });
    expect(set.status).toBe(201);
    const { id, status } = (await set.json()) as { id: string; status: string };
    expect(status).toBe('pending');
    const again = await post(admin, `/api/admin/supervisors/${id}/approve`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
      /^You have already approved this key/,
    );
    expect(demoUnit(await h.units(), 'provincial').keys.some((k) => k.role === 'recovery')).toBe(
      false,
    );
    const refused = await post(auditor, `/api/admin/supervisors/${id}/reject`);
    expect(refused.status).toBe(403);
    expect((await post(auditor, `/api/admin/supervisors/${id}/approve`)).status).toBe(200);
    expect(demoUnit(await h.units(), 'provincial').keys.some((k) => k.role === 'recovery')).toBe(
      true,
    );
  });

  it('cannot make another administrator: the operator’s is one approval, a second admin’s is refused', async () => {
    const unitId = demoUnit(await h.units(), 'provincial').id;
    const { publicKey, privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Second admin' }],
      format: 'object',
    });
    const made = await createAdministrator(h.ctx, OPERATOR_ACTOR_ID, {
      unitId,
      displayName: 'Second admin',
      publicKey: publicKey.armor(),
    });
    expect(made.status).toBe('pending');
    await expect(
      decide(h.ctx, { id: OPERATOR_ACTOR_ID, role: 'admin' }, made.id, 'approve'),
    ).rejects.toMatchObject({ code: 'conflict' });
    const byAdmin = await post(admin, `/api/admin/supervisors/${made.id}/approve`);
    expect(byAdmin.status).toBe(409);
    expect(((await byAdmin.json()) as { error: { message: string } }).error.message).toBe(
      'An administrator has already approved this key; it now needs an auditor’s approval.',
    );
    expect(await statusOf(made.id)).toBe('pending');
    await expect(signIn(withCookies(h.fetcher), privateKey)).rejects.toMatchObject({
      status: 401,
    });
  });
});
