// Cases outlive the people and keys that first received them: staff turnover (grant, then revoke
// the old key) and key rotation (bulk grant to one's own new key), end to end over the API.
// scenario: node and workerd
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { verifyAuditLog } from '../../src/audit/service';
import { grantAll, grantCase } from '../../src/client/grants';
import { openCase, readMessages, sendMessage, submitReport } from '../../src/client/reporter';
import {
  decryptCase,
  downloadAttachment,
  fetchCase,
  inbox,
  type SupervisorSession,
  sendReply,
  signIn,
} from '../../src/client/supervisor';
import {
  approvedKey,
  decideAsAdmin,
  demoUnit,
  type Harness,
  makeHarness,
  reportTo,
  sampleReport,
  signedIn,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let unitId: string;
let s1: SupervisorSession;
let receipt: string;
let caseId: string;

const file = {
  name: 'minutes.txt',
  type: 'text/plain',
  bytes: new TextEncoder().encode('minutes'),
};

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  unitId = demoUnit(units, 'basic').id;
  ({ receipt } = await submitReport(h.fetcher, {
    units,
    unitId,
    copyToParent: false,
    report: sampleReport('The president asked for the file of case 17.'),
    files: [file],
  }));
  s1 = await signedIn(h, 'basic-supervisor');
  caseId = (await inbox(s1)).items[0]!.id;
});
afterAll(() => h.close());

const readable = async (s: SupervisorSession, id: string) =>
  (await decryptCase(s, await fetchCase(s, id))).map((m) => m.content !== null);

let s2: SupervisorSession;

describe('staff turnover', () => {
  it('S1 reads and replies; S2, approved later, sees the case but cannot read it', async () => {
    expect(await readable(s1, caseId)).toEqual([true]);
    await sendReply(s1, await fetchCase(s1, caseId), 'Received; we are looking into it.');
    s2 = await signedIn(h, (await approvedKey(h, unitId, 'Second supervisor')).key);
    expect((await inbox(s2)).items.map((i) => i.id)).toEqual([caseId]);
    expect(await readable(s2, caseId)).toEqual([false, false]);
  });

  it('S1 grants the case to S2, who then reads everything, files and signatures included', async () => {
    expect(await grantCase(s1, caseId, s2.supervisor.id)).toEqual(
      expect.objectContaining({ granted: 3 }),
    );
    const c = await fetchCase(s2, caseId);
    const opened = await decryptCase(s2, c);
    expect(opened.map((m) => [m.kind, m.verified])).toEqual([
      ['report', true],
      ['reply', true],
    ]);
    const got = await downloadAttachment(s2, c, 'report', opened[0]!.attachments[0]!.id);
    expect(new TextDecoder().decode(got.bytes)).toBe('minutes');
    // Running it again finds nothing left to do and stores nothing.
    expect(await grantCase(s1, caseId, s2.supervisor.id)).toEqual({ granted: 0 });
  });

  it('S2 replies, S1 is revoked, the reporter sees who reads new messages and writes again', async () => {
    await sendReply(s2, await fetchCase(s2, caseId), 'I have taken over your case.');
    await decideAsAdmin(h, s1.supervisor.id, 'revoke');
    const session = await openCase(h.fetcher, receipt);
    expect(session.view.readers.map((r) => r.pseudonym)).toEqual([s2.supervisor.pseudonym]);
    const replies = (await readMessages(session)).filter((m) => m.kind === 'reply');
    expect(replies.map((m) => m.verified)).toEqual([true, true]);
    await sendMessage(session, 'One more thing: the file was copied on Friday.');
    const opened = await decryptCase(s2, await fetchCase(s2, caseId));
    expect(opened.at(-1)?.content).toMatchObject({
      text: 'One more thing: the file was copied on Friday.',
    });
    expect(opened.every((m) => m.verified)).toBe(true);
  });

  it('the grant is audited: who, to whom, which case; the chain still verifies', async () => {
    const check = await verifyAuditLog(h.ctx);
    expect(check.ok).toBe(true);
    const rows = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'case.grant'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: s1.supervisor.id,
      targetId: s2.supervisor.id,
      reportId: caseId,
    });
  });
});

describe('key rotation', () => {
  it('S2 enrols a new key, grants it everything in bulk, and the old key is revoked', async () => {
    await reportTo(h, 'basic', 'A second report, before the rotation.', [file]);
    const replacement = await approvedKey(h, unitId, 'Second supervisor (new key)');
    const steps: string[] = [];
    const result = await grantAll(
      s2,
      { granteeId: replacement.id, done: [], failed: [] },
      (_state, step) => steps.push(`${step.done}/${step.total}`),
    );
    expect(result.failed).toEqual([]);
    expect(result.done).toHaveLength(2);
    expect(steps).toEqual(['0/2', '1/2', '2/2']);
    // A resumed run with everything done does nothing.
    expect((await grantAll(s2, result)).done).toHaveLength(2);
    await decideAsAdmin(h, s2.supervisor.id, 'revoke');
    const next = await signIn(withCookies(h.fetcher), replacement.key);
    for (const item of (await inbox(next)).items) {
      expect((await readable(next, item.id)).every(Boolean)).toBe(true);
    }
    // The old key no longer signs in.
    await expect(signIn(withCookies(h.fetcher), s2.key)).rejects.toMatchObject({ status: 401 });
  });
});
