// A reporter keeps named supervisors out of their case: the excluded key never receives, sees or is
// granted it, the audit trail commits to the exclusion without naming anyone, and bad exclusions
// are refused with nothing stored.
// scenario: node and workerd

import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, caseExclusions, reports } from '../../db/schema';
import { exclusionCommitment } from '../../src/audit/exclusion';
import { grantCase } from '../../src/client/grants';
import { flagRetaliation, openCase, sendMessage, submitReport } from '../../src/client/reporter';
import { fetchCase, inbox, type SupervisorSession } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { openJson, sealJson } from '../../src/crypto';
import {
  approvedKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  signedIn,
} from '../helpers/harness';

let h: Harness;
let units: UnitView[];
let excluded: SupervisorSession;
let colleague: SupervisorSession;
let excludedId: string;

const basicOf = () => demoUnit(units, 'basic');
const rows = async () => ({
  reports: (await h.ctx.db.select({ n: count() }).from(reports))[0]!.n,
  exclusions: (await h.ctx.db.select({ n: count() }).from(caseExclusions))[0]!.n,
  audit: (await h.ctx.db.select({ n: count() }).from(auditLog))[0]!.n,
});

beforeAll(async () => {
  h = await makeHarness();
  const basicId = demoUnit(await h.units(), 'basic').id;
  const enrolled = await approvedKey(h, basicId, 'Second Basic Supervisor');
  units = await h.units();
  excludedId = basicOf().keys.find((k) => k.displayName !== 'Second Basic Supervisor')!.id;
  excluded = await signedIn(h, 'basic-supervisor');
  colleague = await signedIn(h, enrolled.key);
});
afterAll(() => h.close());

describe('excluding a supervisor', () => {
  let caseId: string;
  let receipt: string;

  it('lists the unit’s supervisors by their approved display names', () => {
    const names = basicOf()
      .keys.filter((k) => k.role === 'supervisor')
      .map((k) => k.displayName);
    expect(names).toContain('Second Basic Supervisor');
    expect(names).toHaveLength(2);
  });

  it('keeps the excluded key out of the report, the inbox, the case and every list', async () => {
    ({ receipt } = await submitReport(h.fetcher, {
      units,
      unitId: basicOf().id,
      copyToParent: false,
      exclude: [excludedId],
      report: sampleReport('about one of the supervisors'),
      files: [{ name: 'note.txt', type: 'text/plain', bytes: new TextEncoder().encode('n') }],
    }));
    const mine = (await inbox(colleague)).items;
    expect(mine).toHaveLength(1);
    caseId = mine[0]!.id;
    expect((await inbox(excluded)).items).toHaveLength(0);
    expect((await excluded.fetcher(`/api/cases/${caseId}`)).status).toBe(404);
    expect((await excluded.fetcher(`/api/cases/${caseId}/access`)).status).toBe(404);

    const c = await fetchCase(colleague, caseId);
    const report = c.messages[0]!;
    const opened = await openJson<{ whatHappened: string }>(report.ciphertext, {
      decryptionKeys: [colleague.key],
    });
    expect(opened.value.whatHappened).toBe('about one of the supervisors');
    await expect(openJson(report.ciphertext, { decryptionKeys: [excluded.key] })).rejects.toThrow();
    expect(c.replyRecipients).not.toContain(
      basicOf().keys.find((k) => k.id === excludedId)!.publicKey,
    );

    // Follow-ups and flags go to the colleague only; the excluded key never sees the flag either.
    const session = await openCase(h.fetcher, receipt);
    expect(session.view.readers.map((r) => r.fingerprint)).not.toContain(
      basicOf().keys.find((k) => k.id === excludedId)!.fingerprint,
    );
    await sendMessage(session, 'more detail');
    await flagRetaliation(session, { kind: 'threats', startedOn: '2026-11-01', details: 'x' });
    const flags = (await (await excluded.fetcher('/api/retaliation')).json()) as {
      flags: unknown[];
    };
    expect(flags.flags).toHaveLength(0);
    expect((await inbox(excluded)).items).toHaveLength(0);
  });

  it('refuses a message encrypted to the excluded key, and any grant to it', async () => {
    const session = await openCase(h.fetcher, receipt);
    const all = basicOf().keys.map((k) => k.publicKey);
    const message = await sealJson(
      { v: 1, type: 'message', text: 'to everyone' },
      { recipients: [...all, session.view.reporterPublicKey], signingKey: session.key },
    );
    const before = await rows();
    const res = await h.fetcher('/api/receipt/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lookup-token': session.lookupToken },
      body: JSON.stringify({ message }),
    });
    expect(res.status).toBe(422);
    await expect(grantCase(colleague, caseId, excludedId)).rejects.toMatchObject({ status: 403 });
    expect(await rows()).toEqual(before);
  });

  it('is recorded in the audit trail as a commitment that names nobody', async () => {
    const entries = await h.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'case.exclusion'));
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    const fingerprint = basicOf().keys.find((k) => k.id === excludedId)!.fingerprint;
    const commitment = await exclusionCommitment(caseId, [fingerprint]);
    expect(JSON.parse(entry!.detail)).toEqual({ commitment });
    expect(entry).toMatchObject({ reportId: null, unitId: null, actorId: null });
    expect(entry!.detail).not.toContain(fingerprint);
    expect(entry!.detail).not.toContain(excludedId);
    expect(entry!.at % 86_400).toBe(0);
    const stored = await h.ctx.db.select().from(caseExclusions);
    expect(stored).toEqual([{ reportId: caseId, supervisorId: excludedId }]);
  });
});

describe('bad exclusions are refused and store nothing', () => {
  const attempt = async (exclude: string[], copyToParent = false) => {
    const before = await rows();
    const err = await submitReport(h.fetcher, {
      units,
      unitId: basicOf().id,
      copyToParent,
      exclude,
      report: sampleReport('refused'),
      files: [],
    }).catch((e: unknown) => e);
    expect(await rows()).toEqual(before);
    return err as { status: number; code: string; details?: { problem: string } };
  };

  it('excluding every reader of the case', async () => {
    const all = basicOf()
      .keys.filter((k) => k.role === 'supervisor')
      .map((k) => k.id);
    const err = await attempt(all);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('excluding a key of another unit', async () => {
    const other = demoUnit(units, 'provincial').keys[0]!.id;
    expect(await attempt([other])).toMatchObject({ status: 400, code: 'invalid_request' });
    // The unit above's key only when the report is copied to it.
    const above = demoUnit(units, 'intermediate').keys[0]!.id;
    expect(await attempt([above])).toMatchObject({ status: 400 });
  });

  it('but every supervisor of the unit may be left out when the unit above has a copy', async () => {
    const all = basicOf()
      .keys.filter((k) => k.role === 'supervisor')
      .map((k) => k.id);
    await submitReport(h.fetcher, {
      units,
      unitId: basicOf().id,
      copyToParent: true,
      exclude: all,
      report: sampleReport('the whole unit is involved'),
      files: [],
    });
    expect((await inbox(colleague)).items).toHaveLength(1);
    expect((await inbox(excluded)).items).toHaveLength(0);
  });
});
