// Refused grants: a grant that alters the encrypted data, wraps for the wrong key, names a
// revoked, pending or foreign key, or comes from a key that cannot read the case gets a 4xx, and
// nothing is stored — no message, no file, no grant record, no audit entry.
// scenario: node and workerd
import { count, eq } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, auditLog, caseGrants, messages } from '../../db/schema';
import { jsonInit } from '../../src/client/api';
import { inbox, type SupervisorSession, signIn } from '../../src/client/supervisor';
import {
  fromBase64Url,
  rewrapSessionKey,
  sha256Hex,
  toBase64Url,
  type WrappedKeys,
} from '../../src/crypto';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  reportTo,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let s1: SupervisorSession;
let caseId: string;
let grantee: { id: string; publicKey: string };

interface Pending {
  items: {
    kind: 'message' | 'attachment';
    id: string;
    keyPackets: string;
    data: WrappedKeys['data'];
  }[];
}

beforeAll(async () => {
  h = await makeHarness();
  const unitId = demoUnit(await h.units(), 'basic').id;
  await reportTo(h, 'basic', 'Refused grants', [
    { name: 'a.txt', type: 'text/plain', bytes: new TextEncoder().encode('a') },
  ]);
  s1 = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  caseId = (await inbox(s1)).items[0]!.id;
  grantee = await enrolKey(h, unitId, 'Grantee');
  await decideAsAdmin(h, grantee.id, 'approve');
});
afterAll(() => h.close());

/** Everything a grant could change, to compare before and after a refusal. */
async function snapshot() {
  const db = h.ctx.db;
  const msgs = await db.select({ c: messages.ciphertext }).from(messages);
  const files = await db.select({ id: attachments.id }).from(attachments);
  const blobs = await Promise.all(
    files.map(async (f) => sha256Hex((await h.ctx.blobs.get(f.id))!)),
  );
  const [grants] = await db.select({ n: count() }).from(caseGrants);
  const [audit] = await db.select({ n: count() }).from(auditLog);
  return { msgs: msgs.map((m) => m.c), blobs, grants: grants?.n, audit: audit?.n };
}

const pendingFor = async (s: SupervisorSession, granteeId: string) =>
  (await (await s.fetcher(`/api/cases/${caseId}/keys?for=${granteeId}`)).json()) as Pending;

/** Packets S1 would send for a grantee's public key, each passed through `tamper`. */
async function packets(to: string, tamper: (p: Uint8Array, i: number) => Uint8Array = (p) => p) {
  const recipient = await openpgp.readKey({ armoredKey: to });
  const pending = await pendingFor(s1, grantee.id);
  return Promise.all(
    pending.items.map(async (item, i) => {
      const packet = await rewrapSessionKey({
        wrapped: { keyPackets: fromBase64Url(item.keyPackets), data: item.data },
        decryptionKeys: [s1.key],
        recipient,
      });
      return { kind: item.kind, id: item.id, packet: toBase64Url(tamper(packet, i)) };
    }),
  );
}

async function post(s: SupervisorSession, granteeId: string, items: unknown[]) {
  const res = await s.fetcher(
    `/api/cases/${caseId}/grants`,
    jsonInit({ granteeId, items }, { 'x-csrf-token': s.csrfToken }),
  );
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

async function refused(s: SupervisorSession, granteeId: string, items: unknown[], status: number) {
  const before = await snapshot();
  const res = await post(s, granteeId, items);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error).toBeDefined();
  expect(await snapshot()).toEqual(before);
}

describe('refused grants', () => {
  it('a packet that carries encrypted data of its own (altering the data packet)', async () => {
    const [report] = await h.ctx.db.select().from(messages).where(eq(messages.reportId, caseId));
    const { data } = await openpgp.unarmor(report!.ciphertext);
    const bytes = data as unknown as Uint8Array;
    const fakeData = bytes.subarray(bytes.length - 40);
    const items = await packets(
      grantee.publicKey,
      (p) => new Uint8Array([...p, 0xd2, 38, 1, ...fakeData.subarray(0, 37)]),
    );
    await refused(s1, grantee.id, items, 400);
  });

  it('a packet wrapped for another key than the grantee’s', async () => {
    const other = await enrolKey(h, demoUnit(await h.units(), 'basic').id, 'Someone else');
    await refused(s1, grantee.id, await packets(other.publicKey), 400);
  });

  it('a grant missing one of the case’s items, or naming one twice', async () => {
    const items = await packets(grantee.publicKey);
    await refused(s1, grantee.id, items.slice(1), 409);
    await refused(s1, grantee.id, [...items, items[0]], 400);
  });

  it('a revoked, pending, rejected or foreign grantee', async () => {
    const unitId = demoUnit(await h.units(), 'basic').id;
    const pending = await enrolKey(h, unitId, 'Pending');
    const rejected = await enrolKey(h, unitId, 'Rejected');
    await decideAsAdmin(h, rejected.id, 'reject');
    const revoked = await enrolKey(h, unitId, 'Revoked');
    await decideAsAdmin(h, revoked.id, 'approve');
    await decideAsAdmin(h, revoked.id, 'revoke');
    // A supervisor of the unit above, which does not see this case (not copied, no retaliation).
    const foreign = await signIn(
      withCookies(h.fetcher),
      await demoKey(h, 'intermediate-supervisor'),
    );
    for (const k of [pending, rejected, revoked]) {
      await refused(s1, k.id, await packets(k.publicKey), 403);
    }
    await refused(s1, foreign.supervisor.id, [], 403);
    const keys = await s1.fetcher(`/api/cases/${caseId}/keys?for=${revoked.id}`);
    expect(keys.status).toBe(403);
  });

  it('a granter whose key cannot read the case, or who does not see it at all', async () => {
    const unitId = demoUnit(await h.units(), 'basic').id;
    const late = await enrolKey(h, unitId, 'Approved later, never granted');
    await decideAsAdmin(h, late.id, 'approve');
    const s3 = await signIn(withCookies(h.fetcher), late.key);
    // Even with packets S1 made, S3's own key is not a recipient: S3 could not have made them.
    await refused(s3, grantee.id, await packets(grantee.publicKey), 403);
    const foreign = await signIn(
      withCookies(h.fetcher),
      await demoKey(h, 'intermediate-supervisor'),
    );
    await refused(foreign, grantee.id, await packets(grantee.publicKey), 404);
  });

  it('a well-formed grant then succeeds, once', async () => {
    const res = await post(s1, grantee.id, await packets(grantee.publicKey));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ granted: 2 });
    expect((await pendingFor(s1, grantee.id)).items).toEqual([]);
  });
});
