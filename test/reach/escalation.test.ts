// When the unit is the problem: a unit without readers passes messages and flags up, the unit
// above sees only the flags until the reporter shares the case (then it reads and acts on all of
// it), a flag left unanswered past its deadline moves up one more level, and a unit at the top
// with no reader says what the administrator must do.
// scenario: node and workerd

import { count, eq } from 'drizzle-orm';
import { readKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, caseEvents, caseShares, messages, reports } from '../../db/schema';
import {
  flagRetaliation,
  openCase,
  readMessages,
  sendMessage,
  shareCase,
  submitReport,
} from '../../src/client/reporter';
import {
  decryptCase,
  fetchCase,
  inbox,
  type SupervisorSession,
  setClassification,
  setState,
  signIn,
} from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import {
  fromBase64Url,
  openJson,
  rewrapSessionKey,
  sealJson,
  toBase64Url,
  type WrappedKeys,
} from '../../src/crypto';
import { newId } from '../../src/lib/ids';
import { escalateOverdueFlags } from '../../src/retaliation/escalation';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let units: UnitView[];
const sessions: Record<string, SupervisorSession> = {};
const who = ['basic', 'intermediate', 'provincial'] as const;

const signInAll = async () => {
  for (const level of who)
    sessions[level] = await signIn(withCookies(h.fetcher), await demoKey(h, `${level}-supervisor`));
};
const report = (text: string) =>
  submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport(text),
    files: [],
  });
const caseOf = async (s: SupervisorSession, n = 0) => (await inbox(s)).items[n]!;
const auditCount = async () => (await h.ctx.db.select({ n: count() }).from(auditLog))[0]!.n;

beforeAll(async () => {
  h = await makeHarness();
  units = await h.units();
  await signInAll();
});
afterAll(() => h.close());

describe('the unit above with only a flag', () => {
  let caseId: string;
  let receipt: string;

  it('sees the flag and, in plain words, that the report was not shared with it', async () => {
    ({ receipt } = await report('the unit above must not read this yet'));
    caseId = (await caseOf(sessions.basic!)).id;
    await flagRetaliation(await openCase(h.fetcher, receipt), {
      kind: 'transfer',
      startedOn: '2026-11-10',
      details: 'Moved to another court.',
    });
    const item = await caseOf(sessions.intermediate!);
    expect(item).toMatchObject({ id: caseId, relation: 'retaliation' });
    const c = await fetchCase(sessions.intermediate!, caseId);
    expect(c.casePowers).toBe(false);
    const opened = await decryptCase(sessions.intermediate!, c);
    expect(opened.map((m) => [m.kind, m.notShared])).toEqual([
      ['report', true],
      ['retaliation', false],
    ]);
    expect(opened[1]!.content).toMatchObject({ details: 'Moved to another court.' });
  });

  it('cannot change the state, outcome or classification; nothing is stored', async () => {
    const before = {
      audit: await auditCount(),
      events: (await h.ctx.db.select({ n: count() }).from(caseEvents))[0]!.n,
    };
    await expect(
      setState(sessions.intermediate!, caseId, 'closed', 'unsubstantiated'),
    ).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(setClassification(sessions.intermediate!, caseId, 'other')).rejects.toMatchObject({
      status: 403,
    });
    const [row] = await h.ctx.db.select().from(reports).where(eq(reports.id, caseId));
    expect(row).toMatchObject({ state: 'received', outcome: null, classification: null });
    expect({
      audit: await auditCount(),
      events: (await h.ctx.db.select({ n: count() }).from(caseEvents))[0]!.n,
    }).toEqual(before);
  });

  it('works on the flag and replies about it', async () => {
    const list = (await (await sessions.intermediate!.fetcher('/api/retaliation')).json()) as {
      flags: { id: string; relation: string }[];
    };
    expect(list.flags[0]!.relation).toBe('retaliation');
    const res = await sessions.intermediate!.fetcher(
      `/api/retaliation/${list.flags[0]!.id}/state`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': sessions.intermediate!.csrfToken,
        },
        body: JSON.stringify({ state: 'acknowledged' }),
      },
    );
    expect(res.status).toBe(200);
  });

  it('reads and acts on the whole case once the reporter shares it', async () => {
    const session = await openCase(h.fetcher, receipt);
    const above = demoUnit(units, 'intermediate');
    expect(session.view.shareTargets.map((u) => u.id)).toEqual([above.id]);
    await shareCase(session, above.id);
    const c = await fetchCase(sessions.intermediate!, caseId);
    expect(c.relation).toBe('shared');
    expect(c.casePowers).toBe(true);
    const opened = await decryptCase(sessions.intermediate!, c);
    expect(opened.every((m) => m.verified && !m.notShared)).toBe(true);
    expect(opened[0]!.content).toMatchObject({
      whatHappened: 'the unit above must not read this yet',
    });
    await setState(sessions.intermediate!, caseId, 'in_review');
    const share = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'case.share'));
    expect(share).toHaveLength(1);
    expect(share[0]).toMatchObject({ reportId: caseId, unitId: above.id, actorId: null });
    // New messages now go to the unit above too, and the reporter still reads everything.
    const again = await openCase(h.fetcher, receipt);
    expect(again.view.shareTargets).toEqual([]);
    await sendMessage(again, 'after the share');
    const later = await fetchCase(sessions.intermediate!, caseId);
    const last = later.messages[later.messages.length - 1]!;
    await openJson(last.ciphertext, { decryptionKeys: [sessions.intermediate!.key] });
    const mine = await readMessages(again);
    expect(mine.every((m) => m.verified)).toBe(true);
  });

  it('refuses a second share, and a share of what the reporter cannot read', async () => {
    const session = await openCase(h.fetcher, receipt);
    const above = demoUnit(units, 'intermediate');
    await expect(shareCase(session, above.id)).rejects.toMatchObject({ status: 409 });
    const res = await h.fetcher('/api/receipt/share', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lookup-token': session.lookupToken },
      body: JSON.stringify({ unitId: above.id, grants: [] }),
    });
    expect(res.status).toBe(400);

    // A case holding a message the reporter's key cannot read cannot be shared by the reporter.
    const { receipt: other } = await report('second case');
    const otherCase = (await inbox(sessions.basic!)).items.find((i) => i.id !== caseId)!.id;
    const sealed = await sealJson(
      { v: 1, type: 'reply', text: 'for the unit only' },
      { recipients: [sessions.basic!.key.toPublic().armor()], signingKey: sessions.basic!.key },
    );
    await h.ctx.db.insert(messages).values({
      id: newId(),
      reportId: otherCase,
      position: 5,
      kind: 'reply',
      supervisorId: sessions.basic!.supervisor.id,
      ciphertext: sealed,
      day: '2026-11-11',
    });
    const before = {
      audit: await auditCount(),
      shares: (await h.ctx.db.select({ n: count() }).from(caseShares))[0]!.n,
      texts: await h.ctx.db.select({ c: messages.ciphertext }).from(messages),
    };
    const otherSession = await openCase(h.fetcher, other);
    // The reporter's browser stops at once; a request made anyway is refused by the server.
    await expect(shareCase(otherSession, above.id)).rejects.toMatchObject({ status: 403 });
    const offer = (await (
      await h.fetcher('/api/receipt/share', {
        headers: { 'x-lookup-token': otherSession.lookupToken },
      })
    ).json()) as {
      targets: { id: string; keys: { id: string; publicKey: string; needs: string[] }[] }[];
      items: { kind: 'message'; id: string; keyPackets: string; data: WrappedKeys['data'] }[];
    };
    const grants = [];
    for (const key of offer.targets[0]!.keys) {
      const recipient = await readKey({ armoredKey: key.publicKey });
      const items = [];
      for (const item of offer.items) {
        const packet = await rewrapSessionKey({
          wrapped: { keyPackets: fromBase64Url(item.keyPackets), data: item.data },
          decryptionKeys: [otherSession.key],
          recipient,
        }).catch(() => null);
        if (packet) items.push({ kind: item.kind, id: item.id, packet: toBase64Url(packet) });
      }
      grants.push({ granteeId: key.id, items });
    }
    const refused = await h.fetcher('/api/receipt/share', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lookup-token': otherSession.lookupToken },
      body: JSON.stringify({ unitId: above.id, grants }),
    });
    expect(refused.status).toBe(403);
    expect({
      audit: await auditCount(),
      shares: (await h.ctx.db.select({ n: count() }).from(caseShares))[0]!.n,
      texts: await h.ctx.db.select({ c: messages.ciphertext }).from(messages),
    }).toEqual(before);
  });
});

describe('escalation continues', () => {
  it('passes a flag unanswered past its deadline one more level up, with a notice', async () => {
    const { receipt } = await report('flag will be ignored');
    await flagRetaliation(await openCase(h.fetcher, receipt), {
      kind: 'harassment',
      startedOn: '2026-11-12',
      details: 'Nobody answers.',
    });
    expect(await escalateOverdueFlags(h.ctx)).toBe(0);
    h.advance(3 * 86_400_000);
    try {
      const moved = await escalateOverdueFlags(h.ctx);
      expect(moved).toBeGreaterThanOrEqual(1);
      expect(await escalateOverdueFlags(h.ctx)).toBe(0);
      await signInAll();
      const top = demoUnit(units, 'provincial');
      const item = (await inbox(sessions.provincial!)).items.find((i) => i.retaliationFlagged)!;
      expect(item.relation).toBe('escalated');
      const c = await fetchCase(sessions.provincial!, item.id);
      expect(c.casePowers).toBe(false);
      const session = await openCase(h.fetcher, receipt);
      expect(session.view.escalatedUnit?.id).toBe(top.id);
      expect(session.view.flagReaders.map((r) => r.unitId)).toContain(top.id);
      expect(session.view.shareTargets.map((u) => u.id)).toContain(top.id);
      const entries = await h.ctx.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'retaliation.escalate'));
      expect(entries.some((e) => e.unitId === top.id)).toBe(true);
    } finally {
      h.advance(-3 * 86_400_000);
    }
    await signInAll();
  });
});

describe('a unit with no reader', () => {
  let receipt: string;

  it('passes an existing case’s messages up, where it shows as escalated', async () => {
    const earlier = new Set((await inbox(sessions.basic!)).items.map((i) => i.id));
    ({ receipt } = await report('before the unit lost its keys'));
    const caseId = (await inbox(sessions.basic!)).items.find((i) => !earlier.has(i.id))!.id;
    const basicKeys = demoUnit(units, 'basic').keys.filter((k) => k.role === 'supervisor');
    for (const k of basicKeys) await decideAsAdmin(h, k.id, 'revoke');
    units = await h.units();
    const session = await openCase(h.fetcher, receipt);
    const above = demoUnit(units, 'intermediate');
    expect(new Set(session.view.readers.map((r) => r.unitId))).toEqual(new Set([above.id]));
    await sendMessage(session, 'to whoever can read it now');
    const item = (await inbox(sessions.intermediate!)).items.find((i) => i.id === caseId)!;
    expect(item.relation).toBe('escalated');
    const opened = await decryptCase(
      sessions.intermediate!,
      await fetchCase(sessions.intermediate!, item.id),
    );
    expect(opened.map((m) => m.notShared)).toEqual([true, false]);
    expect(opened[1]!.content).toMatchObject({ text: 'to whoever can read it now' });
  });

  it('refuses new reports and points to the unit above', async () => {
    const before = (await h.ctx.db.select({ n: count() }).from(reports))[0]!.n;
    const err = await report('refused').catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 409,
      details: { reason: 'no_reader', unitAbove: { id: demoUnit(units, 'intermediate').id } },
    });
    expect((await h.ctx.db.select({ n: count() }).from(reports))[0]!.n).toBe(before);
  });

  it('at the top of the tree says what the administrator must do', async () => {
    const top = demoUnit(units, 'provincial');
    for (const k of top.keys.filter((k) => k.role === 'supervisor'))
      await decideAsAdmin(h, k.id, 'revoke');
    units = await h.units();
    const err = await submitReport(h.fetcher, {
      units,
      unitId: top.id,
      copyToParent: false,
      report: sampleReport('nobody'),
      files: [],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, details: { reason: 'no_reader_no_parent' } });
    expect((err as Error).message).toMatch(/administrator must approve/);
  });
});
