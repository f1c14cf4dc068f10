// Two grants of one case to two keys at the same time: both must keep their session-key packet on
// every message and file. Grants only insert packets (grant_packets), so no interleaving of the
// two requests can drop one; a stored message or file that two grants rewrote could.
// scenario: node and workerd
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, grantPackets } from '../../db/schema';
import { grantCase } from '../../src/client/grants';
import { submitReport } from '../../src/client/reporter';
import {
  decryptCase,
  downloadAttachment,
  fetchCase,
  inbox,
  type SupervisorSession,
  signIn,
} from '../../src/client/supervisor';
import {
  approvedKey,
  decideAsAdmin,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  sampleReport,
  signedIn,
  withCookies,
} from '../helpers/harness';

let h: Harness;

/**
 * Makes the two grants read each file before either may go on: a read of a file waits for the
 * other request's read of the same file. Inert in workerd, where the worker has its own stores.
 */
function pairFileReads(ctx: Harness['ctx']) {
  // Grants read a file through its stream (the first message of a chunked file, or the whole).
  const get = ctx.blobs.stream.bind(ctx.blobs);
  const waiting = new Map<string, () => void>();
  ctx.blobs.stream = async (key) => {
    const other = waiting.get(key);
    if (other) {
      waiting.delete(key);
      other();
    } else await new Promise<void>((resolve) => waiting.set(key, resolve));
    return get(key);
  };
  return () => {
    ctx.blobs.stream = get;
  };
}
let s1: SupervisorSession;
let caseId: string;
const others: SupervisorSession[] = [];

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  const unitId = demoUnit(units, 'basic').id;
  await submitReport(h.fetcher, {
    units,
    unitId,
    copyToParent: false,
    report: sampleReport('Two colleagues join on the same day.'),
    files: [
      { name: 'a.txt', type: 'text/plain', bytes: new TextEncoder().encode('first file') },
      { name: 'b.txt', type: 'text/plain', bytes: new TextEncoder().encode('second file') },
    ],
  });
  s1 = await signedIn(h, 'basic-supervisor');
  caseId = (await inbox(s1)).items[0]!.id;
  for (const name of ['Colleague A', 'Colleague B'])
    others.push(await signedIn(h, (await approvedKey(h, unitId, name)).key));
});
afterAll(() => h.close());

describe('concurrent grants', () => {
  it('two grants of the same case to two keys at once both take effect', async () => {
    const [a, b] = others as [SupervisorSession, SupervisorSession];
    const unpair = pairFileReads(h.ctx);
    const results = await Promise.all([
      grantCase(s1, caseId, a.supervisor.id),
      grantCase(s1, caseId, b.supervisor.id),
    ]).finally(unpair);
    expect(results.map((r) => r.granted)).toEqual([3, 3]);
    for (const s of [a, b, s1]) {
      const c = await fetchCase(s, caseId);
      const opened = await decryptCase(s, c);
      expect(opened.map((m) => [m.content !== null, m.verified])).toEqual([[true, true]]);
      const files = [];
      for (const f of opened[0]!.attachments)
        files.push(
          new TextDecoder().decode((await downloadAttachment(s, c, 'report', f.id)).bytes),
        );
      expect(files.sort()).toEqual(['first file', 'second file']);
    }
  });

  it('each grant stored one packet per item and one audit entry', async () => {
    const rows = await h.ctx.db
      .select({ grantee: grantPackets.granteeId })
      .from(grantPackets)
      .where(eq(grantPackets.reportId, caseId));
    expect(rows.map((r) => r.grantee).sort()).toEqual(
      [
        ...Array(3).fill(others[0]!.supervisor.id),
        ...Array(3).fill(others[1]!.supervisor.id),
      ].sort(),
    );
    const audits = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'case.grant'));
    expect(audits.map((r) => r.targetId).sort()).toEqual(others.map((s) => s.supervisor.id).sort());
  });

  it('the same grant sent twice at once stores one packet per item for that key', async () => {
    const units = await h.units();
    const unitId = demoUnit(units, 'basic').id;
    const late = await enrolKey(h, unitId, 'Colleague C');
    await decideAsAdmin(h, late.id, 'approve');
    const settled = await Promise.allSettled([
      grantCase(s1, caseId, late.id),
      grantCase(s1, caseId, late.id),
    ]);
    // Either both were prepared before either was stored (both accepted, one packet kept), or
    // the second found nothing left to do; never an error.
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    const rows = await h.ctx.db
      .select()
      .from(grantPackets)
      .where(eq(grantPackets.granteeId, late.id));
    expect(rows).toHaveLength(3);
    const s = await signIn(withCookies(h.fetcher), late.key);
    const opened = await decryptCase(s, await fetchCase(s, caseId));
    expect(opened.every((m) => m.content !== null)).toBe(true);
  });
});
