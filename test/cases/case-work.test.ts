// A supervisor's case work end to end: inbox, opening (audited), reply the reporter can verify,
// state changes the reporter sees, classification, and cross-unit refusal as "not found".
// scenario: node and workerd
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/service';
import type { Actor } from '../../src/auth/actor';
import { type InboxQuery, listInbox } from '../../src/cases/inbox';
import { openCase, readMessages, submitReport } from '../../src/client/reporter';
import {
  decryptCase,
  downloadAttachment,
  fetchCase,
  inbox,
  type SupervisorSession,
  sendReply,
  setClassification,
  setState,
  signIn,
} from '../../src/client/supervisor';
import { throughDrizzle } from '../helpers/db';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  RUNTIME,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let basic: SupervisorSession;
let provincial: SupervisorSession;
let receipt: string;
let caseId: string;

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  const file = {
    name: 'ledger.xlsx',
    type: 'application/octet-stream',
    bytes: new TextEncoder().encode('ledger rows'),
  };
  ({ receipt } = await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('Judge Li met the plaintiff’s lawyer privately.'),
    files: [file],
  }));
  basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  provincial = await signIn(withCookies(h.fetcher), await demoKey(h, 'provincial-supervisor'));
});
afterAll(() => h.close());

describe('case work', () => {
  it('lists the case in its unit inbox with its deadlines', async () => {
    const page = await inbox(basic);
    expect(page.items).toHaveLength(1);
    caseId = page.items[0]!.id;
    expect(page.items[0]).toMatchObject({
      state: 'received',
      overdue: false,
      relation: 'addressed',
    });
    expect(page.items[0]!.due).toBe((await fetchCase(basic, caseId)).acknowledgeBy);
  });

  it('opens and decrypts the case in the client, verifying the reporter signature, and audits it', async () => {
    const c = await fetchCase(basic, caseId);
    const [report] = await decryptCase(basic, c);
    expect(report?.verified).toBe(true);
    expect(report?.content).toMatchObject({
      whatHappened: 'Judge Li met the plaintiff’s lawyer privately.',
    });
    const file = await downloadAttachment(basic, c, 'report', report!.attachments[0]!.id);
    expect(file.meta.name).toBe('ledger.xlsx');
    const log = await (await basic.fetcher(`/api/cases/${caseId}/access`)).json();
    expect((log as { entries: { action: string }[] }).entries.map((e) => e.action)).toEqual([
      'case.open',
      'case.open',
      'case.attachment_open',
    ]);
  });

  it('replies; the reporter decrypts the reply and verifies the unit signature', async () => {
    const c = await fetchCase(basic, caseId);
    await sendReply(basic, c, 'We have received your report and opened a file.');
    await setState(basic, caseId, 'acknowledged');
    await setClassification(basic, caseId, 'improper_contact');
    const session = await openCase(h.fetcher, receipt);
    const messages = await readMessages(session);
    const reply = messages.find((m) => m.kind === 'reply');
    expect(reply?.verified).toBe(true);
    expect(reply?.content).toMatchObject({
      text: 'We have received your report and opened a file.',
    });
    expect(session.view.state).toBe('acknowledged');
    expect(session.view.history.map((e) => e.state)).toEqual(['received', 'acknowledged']);
    const openings = (session.view as unknown as { openings: { day: string; by: string }[] })
      .openings;
    expect(openings).toEqual([{ day: session.view.receivedDay, by: basic.supervisor.pseudonym }]);
  });

  it('moves through states; closing needs an outcome; bad moves change nothing', async () => {
    await expect(setState(basic, caseId, 'received')).rejects.toMatchObject({ status: 400 });
    await expect(setState(basic, caseId, 'closed')).rejects.toMatchObject({ status: 400 });
    await setState(basic, caseId, 'in_review');
    await setState(basic, caseId, 'closed', 'substantiated');
    const c = await fetchCase(basic, caseId);
    expect(c.history.map((e) => e.state)).toEqual([
      'received',
      'acknowledged',
      'in_review',
      'closed',
    ]);
    expect(c.outcome).toBe('substantiated');
    expect(c.classification).toBe('improper_contact');
    expect((await inbox(basic, { state: 'closed' })).items.map((i) => i.id)).toEqual([caseId]);
    expect((await inbox(basic, { state: 'received' })).items).toEqual([]);
  });

  it('answers another unit exactly as for a case that does not exist', async () => {
    const foreign = await provincial.fetcher(`/api/cases/${caseId}`);
    const missing = await provincial.fetcher('/api/cases/AAAAAAAAAAAAAAAAAAAAAA');
    expect(foreign.status).toBe(404);
    const a = (await foreign.json()) as { error: { code: string; message: string } };
    const b = (await missing.json()) as { error: { code: string; message: string } };
    expect({ code: a.error.code, message: a.error.message }).toEqual({
      code: b.error.code,
      message: b.error.message,
    });
    for (const path of ['/state', '/classification', '/replies', '/access']) {
      const res = await provincial.fetcher(`/api/cases/${caseId}${path}`, {
        method: path === '/access' ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': provincial.csrfToken },
        body:
          path === '/access'
            ? undefined
            : JSON.stringify(
                path === '/state'
                  ? { state: 'in_review' }
                  : path === '/classification'
                    ? { classification: 'other' }
                    : { message: '-----BEGIN PGP MESSAGE-----\n\nx\n-----END PGP MESSAGE-----' },
              ),
      });
      expect(res.status).toBe(404);
    }
    expect((await inbox(provincial)).items).toEqual([]);
  });

  it('refuses case routes without a session, and to administrators and auditors', async () => {
    expect((await h.app.request(`/api/cases/${caseId}`)).status).toBe(401);
    const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    expect((await admin.fetcher('/api/cases')).status).toBe(403);
    const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
    expect((await auditor.fetcher(`/api/cases/${caseId}`)).status).toBe(403);
  });

  it('left an intact audit chain of every action', async () => {
    const check = await verifyAuditLog(h.ctx);
    expect(check.ok).toBe(true);
    const res = await (await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'))).fetcher(
      '/api/audit?limit=500',
    );
    const { entries } = (await res.json()) as { entries: { action: string; detail: unknown }[] };
    const actions = entries.map((e) => e.action);
    for (const a of [
      'auth.sign_in',
      'case.open',
      'case.attachment_open',
      'case.reply',
      'case.state',
      'case.classify',
    ])
      expect(actions).toContain(a);
    expect(JSON.stringify(entries)).not.toContain('Judge Li');
  });
});

describe('inbox order and paging', () => {
  it('puts open retaliation flags first, then the earliest deadline, and pages without overlap', async () => {
    const units = await h.units();
    const unitId = demoUnit(units, 'intermediate').id;
    const receipts: string[] = [];
    for (let i = 0; i < 7; i++) {
      receipts.push(
        (
          await submitReport(h.fetcher, {
            units,
            unitId,
            copyToParent: false,
            report: sampleReport(`case ${i}`),
            files: [],
          })
        ).receipt,
      );
    }
    const sup = await signIn(withCookies(h.fetcher), await demoKey(h, 'intermediate-supervisor'));
    const all = await inbox(sup, { limit: 100 });
    expect(all.items).toHaveLength(7);
    const acknowledged = all.items[0]!.id;
    await setState(sup, acknowledged, 'acknowledged'); // due moves from 7 days to 3 months: goes last
    const { flagRetaliation } = await import('../../src/client/reporter');
    // Flag a case other than the acknowledged one (its state tells them apart).
    for (const r of receipts) {
      const session = await openCase(h.fetcher, r);
      if (session.view.state !== 'received') continue;
      await flagRetaliation(session, { kind: 'harassment', startedOn: '2026-11-01', details: 'x' });
      break;
    }
    const ordered = await inbox(sup, { limit: 100 });
    expect(ordered.items[0]!.openRetaliation).toBe(true);
    expect(ordered.items.at(-1)!.id).toBe(acknowledged);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await inbox(sup, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ordered.items.map((i) => i.id));
    // The flag reached the unit above too.
    const top = await signIn(withCookies(h.fetcher), await demoKey(h, 'provincial-supervisor'));
    const topInbox = await inbox(top);
    expect(topInbox.items.map((i) => [i.relation, i.openRetaliation])).toEqual([
      ['retaliation', true],
    ]);
  });

  it('shows overdue cases as overdue', async () => {
    h.advance(8 * 24 * 3600_000);
    try {
      const sup = await signIn(withCookies(h.fetcher), await demoKey(h, 'intermediate-supervisor'));
      const page = await inbox(sup, { state: 'received' });
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((i) => i.overdue)).toBe(true);
    } finally {
      h.advance(-8 * 24 * 3600_000);
    }
  });

  // Node's embedded database reads the inbox on a second connection; the edge has only D1's path.
  it.skipIf(RUNTIME !== 'node')(
    'reads the same pages on the second connection as through drizzle (D1, Turso)',
    async () => {
      const units = await h.units();
      await submitReport(h.fetcher, {
        units,
        unitId: demoUnit(units, 'basic').id,
        copyToParent: true,
        report: sampleReport('copied up'),
        files: [],
      });
      const drizzleOnly = throughDrizzle(h.ctx);
      expect(drizzleOnly.storage.directRead).toBeUndefined();
      const queries: InboxQuery[] = [
        { limit: 100 },
        { limit: 2 },
        { limit: 3, state: 'received' },
        { limit: 100, state: 'acknowledged' },
      ];
      const relations = new Set<string>();
      let pages = 0;
      for (const level of ['basic', 'intermediate', 'provincial'] as const) {
        const actor = { unitId: demoUnit(units, level).id } as Actor;
        for (const q of queries) {
          let cursor: string | undefined;
          do {
            const query = { ...q, ...(cursor ? { cursor } : {}) };
            const direct = await listInbox(h.ctx, actor, query);
            expect(await listInbox(drizzleOnly, actor, query)).toEqual(direct);
            for (const item of direct.items) relations.add(item.relation);
            pages += 1;
            cursor = direct.nextCursor ?? undefined;
          } while (cursor);
        }
      }
      expect(pages).toBeGreaterThan(12);
      expect([...relations].sort()).toEqual(['addressed', 'copied', 'retaliation']);
    },
  );
});
