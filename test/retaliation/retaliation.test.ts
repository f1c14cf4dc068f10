// Retaliation protection and direct reporting: flags reach the unit above, re-open closed cases,
// go first in both inboxes, and every handling step is audited; copies reach the higher unit.
// scenario: node and workerd

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagRetaliation, openCase, submitReport } from '../../src/client/reporter';
import {
  fetchCase,
  inbox,
  type SupervisorSession,
  setState,
  signIn,
} from '../../src/client/supervisor';
import { openJson } from '../../src/crypto';
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
let intermediate: SupervisorSession;
let provincial: SupervisorSession;

const post = (s: SupervisorSession, path: string, body: unknown) =>
  s.fetcher(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  h = await makeHarness();
  basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  intermediate = await signIn(withCookies(h.fetcher), await demoKey(h, 'intermediate-supervisor'));
  provincial = await signIn(withCookies(h.fetcher), await demoKey(h, 'provincial-supervisor'));
});
afterAll(() => h.close());

describe('direct reporting', () => {
  it('a copy to the unit above appears in both inboxes, marked as copied', async () => {
    const units = await h.units();
    await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: true,
      report: sampleReport('copied'),
      files: [],
    });
    const own = (await inbox(basic)).items;
    const above = (await inbox(intermediate)).items;
    expect(own.map((i) => i.relation)).toEqual(['addressed']);
    expect(above.map((i) => i.relation)).toEqual(['copied']);
    expect(above[0]!.id).toBe(own[0]!.id);
    const c = await fetchCase(intermediate, above[0]!.id);
    const opened = await openJson<{ whatHappened: string }>(c.messages[0]!.ciphertext, {
      decryptionKeys: [intermediate.key],
    });
    expect(opened.value.whatHappened).toBe('copied');
    expect((await provincial.fetcher(`/api/cases/${c.id}`)).status).toBe(404);
  });
});

describe('retaliation flags', () => {
  let caseId: string;
  let receipt: string;

  it('re-open a closed case and reach the addressed unit and the unit above, and no other', async () => {
    const units = await h.units();
    ({ receipt } = await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: false,
      report: sampleReport('not copied'),
      files: [],
    }));
    // The new case is the one of the basic unit that was not copied upward.
    const copied = new Set((await inbox(intermediate)).items.map((i) => i.id));
    caseId = (await inbox(basic)).items.find((i) => !copied.has(i.id))!.id;
    await setState(basic, caseId, 'closed', 'unsubstantiated');
    // Before the flag, the unit above cannot see it.
    expect((await intermediate.fetcher(`/api/cases/${caseId}`)).status).toBe(404);

    await flagRetaliation(await openCase(h.fetcher, receipt), {
      kind: 'demotion',
      startedOn: '2026-11-02',
      details: 'Demoted after the report.',
    });
    const session = await openCase(h.fetcher, receipt);
    expect(session.view.state).toBe('in_review');
    expect(session.view.history.map((e) => e.state)).toEqual(['received', 'closed', 'in_review']);

    const first = (await inbox(basic)).items[0]!;
    expect(first).toMatchObject({ id: caseId, openRetaliation: true, state: 'in_review' });
    const above = (await inbox(intermediate)).items[0]!;
    expect(above).toMatchObject({ id: caseId, relation: 'retaliation', openRetaliation: true });

    const flag = session.view.messages.find((m) => m.kind === 'retaliation')!;
    for (const s of [basic, intermediate]) {
      const opened = await openJson<{ details: string }>(flag.ciphertext, {
        decryptionKeys: [s.key],
      });
      expect(opened.value.details).toBe('Demoted after the report.');
    }
    await expect(openJson(flag.ciphertext, { decryptionKeys: [provincial.key] })).rejects.toThrow();
    expect((await provincial.fetcher(`/api/cases/${caseId}`)).status).toBe(404);
  });

  it('carry their own deadline and move forward through audited handling states', async () => {
    const list = (await (await intermediate.fetcher('/api/retaliation')).json()) as {
      flags: {
        id: string;
        state: string;
        dueBy: string;
        day: string;
        overdue: boolean;
        relation: string;
      }[];
    };
    expect(list.flags).toHaveLength(1);
    const flag = list.flags[0]!;
    expect(flag.relation).toBe('retaliation');
    const due = new Date(`${flag.day}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + 2);
    expect(flag.dueBy).toBe(due.toISOString().slice(0, 10));

    h.advance(3 * 86_400_000);
    try {
      const later = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
      const late = (await (await later.fetcher('/api/retaliation')).json()) as {
        flags: { overdue: boolean }[];
      };
      expect(late.flags[0]!.overdue).toBe(true);
      const page = await inbox(later);
      expect(page.items[0]!.overdue).toBe(true);
    } finally {
      h.advance(-3 * 86_400_000);
    }
    // Three idle days ended the earlier sessions.
    basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    intermediate = await signIn(
      withCookies(h.fetcher),
      await demoKey(h, 'intermediate-supervisor'),
    );
    provincial = await signIn(withCookies(h.fetcher), await demoKey(h, 'provincial-supervisor'));

    expect(
      (await post(basic, `/api/retaliation/${flag.id}/state`, { state: 'acknowledged' })).status,
    ).toBe(200);
    expect(
      (await post(intermediate, `/api/retaliation/${flag.id}/state`, { state: 'measures_taken' }))
        .status,
    ).toBe(200);
    expect(
      (await post(basic, `/api/retaliation/${flag.id}/state`, { state: 'acknowledged' })).status,
    ).toBe(409);
    // The sign-in three days on ran the housekeeping, which passed the then unanswered flag one
    // level further up: the provincial unit sees it now, and a step back is refused as for anyone.
    expect(
      (await post(provincial, `/api/retaliation/${flag.id}/state`, { state: 'acknowledged' }))
        .status,
    ).toBe(409);
    expect(
      (await post(basic, `/api/retaliation/${flag.id}/state`, { state: 'resolved' })).status,
    ).toBe(200);
    expect((await inbox(basic)).items.find((i) => i.id === caseId)!.openRetaliation).toBe(false);
    const session = await openCase(h.fetcher, receipt);
    expect(session.view.retaliation[0]!.state).toBe('resolved');

    const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
    const audit = (await (
      await auditor.fetcher(`/api/audit?reportId=${caseId}&action=retaliation.state`)
    ).json()) as { entries: { detail: { from: string; to: string }; actorId: string }[] };
    expect(audit.entries.map((e) => [e.detail.from, e.detail.to, e.actorId])).toEqual([
      ['received', 'acknowledged', basic.supervisor.id],
      ['acknowledged', 'measures_taken', intermediate.supervisor.id],
      ['measures_taken', 'resolved', basic.supervisor.id],
    ]);
  });

  it('leak tracing lists exactly the audited openings of the case', async () => {
    await fetchCase(intermediate, caseId);
    const access = (await (await basic.fetcher(`/api/cases/${caseId}/access`)).json()) as {
      entries: { auditSeq: number; action: string; supervisor: string }[];
    };
    const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
    const audit = (await (
      await auditor.fetcher(`/api/audit?reportId=${caseId}&limit=500`)
    ).json()) as { entries: { seq: number; action: string }[] };
    const openings = audit.entries.filter((e) =>
      ['case.open', 'case.attachment_open', 'case.export'].includes(e.action),
    );
    expect(access.entries.map((e) => e.auditSeq)).toEqual(openings.map((e) => e.seq));
    expect(access.entries.map((e) => e.supervisor)).toContain('Demo supervisor (intermediate)');
    expect(access.entries.length).toBeGreaterThan(0);
  });
});
