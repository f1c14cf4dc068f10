// The reporter's view, built by SQLite in one statement: which unit keys each kind of writing must
// be encrypted to, keys that signed replies kept for old signatures, openings, files and flags in order.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supervisors } from '../../db/schema';
import {
  flagRetaliation,
  openCase,
  refresh,
  sendMessage,
  submitReport,
} from '../../src/client/reporter';
import { fetchCase, inbox, type SupervisorSession, signIn } from '../../src/client/supervisor';
import type { CaseViewBody } from '../../src/client/types';
import { generateDemoKey, solvePow } from '../../src/crypto';
import { reporterViewJson } from '../../src/receipts/view';
import { supervisorValues } from '../../src/supervisors/records';
import { throughDrizzle } from '../helpers/db';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let basic: SupervisorSession;

async function extraKey(unitId: string, status: 'approved' | 'revoked', name: string) {
  const key = await generateDemoKey(name, h.passphrase);
  const row = await supervisorValues(h.ctx, {
    unitId,
    displayName: name,
    role: 'supervisor',
    status,
    publicKey: key.publicKey,
  });
  await h.ctx.db.insert(supervisors).values(row);
  return row.publicKey;
}

/** The raw body of GET /api/receipt for a receipt's lookup token. */
async function rawView(lookupToken: string): Promise<CaseViewBody> {
  const pow = (await (await h.fetcher('/api/pow?purpose=lookup')).json()) as {
    challenge: string;
    difficulty: number;
  };
  const res = await h.fetcher('/api/receipt', {
    headers: {
      'x-lookup-token': lookupToken,
      'x-pow-challenge': pow.challenge,
      'x-pow-nonce': await solvePow(pow.challenge, pow.difficulty),
    },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as CaseViewBody;
}

const keysOfUnit = async (unitId: string) =>
  (
    await h.ctx.db
      .select({ publicKey: supervisors.publicKey, fingerprint: supervisors.fingerprint })
      .from(supervisors)
      .where(and(eq(supervisors.unitId, unitId), eq(supervisors.role, 'supervisor')))
  )
    .sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))
    .map((k) => k.publicKey);

beforeAll(async () => {
  h = await makeHarness();
  basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
});
afterAll(() => h.close());

describe('the reporter view', () => {
  it('lists each unit key once: the unit’s for messages, the unit above’s only for retaliation', async () => {
    const units = await h.units();
    const unit = demoUnit(units, 'basic');
    const above = demoUnit(units, 'intermediate');
    const revoked = await extraKey(unit.id, 'revoked', 'Revoked supervisor');
    await extraKey(unit.id, 'approved', 'Second supervisor');
    const { receipt } = await submitReport(h.fetcher, {
      units: await h.units(),
      unitId: unit.id,
      copyToParent: false,
      report: sampleReport('the view'),
      files: [],
    });
    const session = await openCase(h.fetcher, receipt);
    const body = await rawView(session.lookupToken);
    expect(body).not.toHaveProperty('recipients');

    // A revoked key that never signed a reply of this case is not listed at all.
    const own = (await keysOfUnit(unit.id)).filter((k) => k !== revoked);
    const higher = await keysOfUnit(above.id);
    expect(body.unitKeys.map((k) => k.publicKey)).toEqual([...own, ...higher]);
    for (const k of body.unitKeys) {
      const isOwn = own.includes(k.publicKey);
      expect(k).toMatchObject({
        publicKey: k.publicKey,
        messages: isOwn,
        retaliation: true,
        recovery: false,
        signer: false,
      });
      expect(k.pseudonym).toMatch(/^Supervisor /);
    }
    // What the browser derives from it: the reporter's key last; no reply yet, so no signer.
    expect(session.view.recipients.messages).toEqual([...own, session.view.reporterPublicKey]);
    expect(session.view.recipients.retaliation).toEqual([
      ...own,
      ...higher,
      session.view.reporterPublicKey,
    ]);
    expect(session.view.unitSigningKeys).toEqual([]);
    expect(session.view.readers.map((r) => r.fingerprint)).toHaveLength(own.length);
    // The server accepts what is encrypted to those lists.
    await sendMessage(session, 'more');
  });

  it('a copied case writes to both units; openings, files and flags come back in order', async () => {
    const units = await h.units();
    const unit = demoUnit(units, 'basic');
    const above = demoUnit(units, 'intermediate');
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: unit.id,
      copyToParent: true,
      report: sampleReport('copied view'),
      files: [{ name: 'a.txt', type: 'text/plain', bytes: new TextEncoder().encode('a') }],
    });
    let session = await openCase(h.fetcher, receipt);
    const body = await rawView(session.lookupToken);
    const higher = await keysOfUnit(above.id);
    expect(body.copiedUnit?.id).toBe(above.id);
    for (const k of body.unitKeys.filter((x) => higher.includes(x.publicKey)))
      expect(k.messages).toBe(true);

    // The only case copied upward is this one.
    const higherUnit = await signIn(
      withCookies(h.fetcher),
      await demoKey(h, 'intermediate-supervisor'),
    );
    const caseId = (await inbox(higherUnit)).items.find((i) => i.relation === 'copied')!.id;
    await fetchCase(basic, caseId);
    await fetchCase(basic, caseId);
    await flagRetaliation(session, { kind: 'demotion', startedOn: '2026-11-02', details: 'x' });
    session = await refresh(session);
    const v = session.view;
    expect(v.openings).toHaveLength(1);
    expect(v.openings[0]!.by).toMatch(/^Supervisor /);
    expect(v.messages.map((m) => m.kind)).toEqual(['report', 'retaliation']);
    expect(v.messages[0]!.attachments).toHaveLength(1);
    expect(v.messages[1]!.attachments).toEqual([]);
    expect(v.retaliation).toHaveLength(1);
    expect(v.retaliation[0]!.messageId).toBe(v.messages[1]!.id);
    expect(v.retaliationFlagged).toBe(true);
    expect(v.history.map((e) => e.state)).toEqual(['received']);

    // On Node the view is read on the second connection; through drizzle (as on D1 and Turso)
    // the same statement gives the same bytes.
    const drizzleOnly = throughDrizzle(h.ctx);
    expect(drizzleOnly.storage.directRead).toBeUndefined();
    const text = (body: string | Uint8Array | null) =>
      typeof body === 'string' || body === null ? body : new TextDecoder().decode(body);
    const direct = text(await reporterViewJson(h.ctx, session.lookupToken));
    expect(direct).toContain(v.messages[1]!.id);
    expect(text(await reporterViewJson(drizzleOnly, session.lookupToken))).toBe(direct);
    expect(await reporterViewJson(h.ctx, 'x'.repeat(43))).toBeNull();
  });
});
