// Retention over months: a closed case is warned of 30 days ahead, deleted after its unit's period
// by the scheduler (audited as case.delete, figures kept, reporter told), unless two people put it
// on legal hold; two administrators delete early; and a seizer scanning the database files after
// the day's compaction finds neither the report's ciphertext nor its file.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/service';
import { ApiError } from '../../src/client/api';
import { openCase } from '../../src/client/reporter';
import { type SupervisorSession, setState, signIn } from '../../src/client/supervisor';
import { JOBS } from '../../src/jobs/list';
import { runJobs } from '../../src/jobs/scheduler';
import { figures } from '../../src/stats/service';
import { compactDatabase } from '../../src/storage/at-rest';
import { cliOn } from '../cli/run';
import {
  approveAsAuditor,
  createdId,
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  reportTo,
  withCookies,
} from '../helpers/harness';

const DAY = 86_400_000;
const CANARY = 'CANARY-7f3a file bytes that must not survive deletion';
let h: Harness;
let basic: SupervisorSession;
let admin: SupervisorSession;
let admin2: SupervisorSession;
const logs: string[] = [];
const traces: Buffer[] = [];

const jobs = () =>
  runJobs(
    {
      ctx: h.ctx,
      mailer: undefined,
      log: (l) => logs.push(l),
      compact: () => compactDatabase(h.ctx.db),
    },
    JOBS,
  );

const post = (s: SupervisorSession, path: string, body?: unknown) =>
  s.fetcher(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
    body: JSON.stringify(body ?? {}),
  });

const reportIds = async () =>
  new Set((await h.ctx.db.all<{ id: string }>(sql`select id from reports`)).map((r) => r.id));

/** A report as a reporter sends it; its case id is the one new row (the reporter never sees it). */
async function submit(
  text: string,
  files: { name: string; type: string; bytes: Uint8Array }[] = [],
) {
  const before = await reportIds();
  const { receipt } = await reportTo(h, 'basic', text, files);
  const reportId = [...(await reportIds())].find((id) => !before.has(id))!;
  return { receipt, reportId };
}

async function closedCase(
  text: string,
  files: { name: string; type: string; bytes: Uint8Array }[] = [],
) {
  const sent = await submit(text, files);
  await setState(basic, sent.reportId, 'acknowledged');
  await setState(basic, sent.reportId, 'closed', 'substantiated');
  return sent;
}

beforeAll(async () => {
  h = await makeHarness();
  basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
  const second = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Second Admin' }],
    format: 'object',
  });
  const keyFile = join(h.dir, 'admin2.pub.asc');
  await writeFile(keyFile, second.publicKey.armor());
  const unit = demoUnit(await h.units(), 'provincial');
  const made = await cliOn(h, [
    'admin',
    'create',
    '--unit',
    unit.id,
    '--name',
    'Bo',
    '--key',
    keyFile,
  ]);
  expect(made.code, made.stderr).toBe(0);
  // Four eyes: the operator's step, then an auditor's approval, make the second administrator.
  await approveAsAuditor(h, createdId(made.stdout));
  admin2 = await signIn(withCookies(h.fetcher), second.privateKey);
});
afterAll(() => h.close());

describe('retention', () => {
  let kept: Awaited<ReturnType<typeof closedCase>>;
  let held: Awaited<ReturnType<typeof closedCase>>;

  it('states each unit’s retention period to reporters (24 months by default)', async () => {
    for (const u of await h.units()) expect(u.retentionMonths).toBe(24);
  });

  it('warns 30 days ahead, then deletes at the end of the period, keeping only the figures', async () => {
    kept = await closedCase('Registrar Wu took money for a hearing date.', [
      { name: 'proof.txt', type: 'text/plain', bytes: new TextEncoder().encode(CANARY) },
    ]);
    held = await closedCase('Prosecutor Ma leaked a witness list.');
    const hold = (s: SupervisorSession) =>
      post(s, `/api/cases/${held.reportId}/hold`, { hold: true });
    expect(await (await hold(basic)).json()).toEqual({ status: 'requested' });
    expect((await hold(basic)).status).toBe(409); // the same person cannot confirm
    expect(await (await hold(admin)).json()).toEqual({ status: 'done' });

    const upcoming = async () =>
      (await (await basic.fetcher('/api/retention/upcoming')).json()) as {
        cases: { id: string; deletesOn: string }[];
      };
    expect((await upcoming()).cases).toEqual([]);
    h.advance((730 - 25) * DAY);
    basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const warned = (await upcoming()).cases;
    expect(warned.map((c) => c.id)).toEqual([kept.reportId]);
    expect(
      warned[0]!.deletesOn > new Date(Date.now() + (730 - 25) * DAY).toISOString().slice(0, 10),
    ).toBe(true);

    h.advance(40 * DAY);
    const sealed = await h.ctx.db.all<{ c: string }>(
      sql`select ciphertext as c from messages where report_id = ${kept.reportId}`,
    );
    const chunks = await h.ctx.db.all<{ d: ArrayBuffer }>(
      sql`select data as d from attachment_chunks where attachment_id in (select id from attachments where report_id = ${kept.reportId})`,
    );
    // A line from the middle of the armored report, and bytes from the middle of its file.
    traces.push(Buffer.from(sealed[0]!.c.split('\n')[5]!));
    const file = Buffer.from(chunks[0]!.d);
    traces.push(file.subarray(file.length / 2, file.length / 2 + 48));
    // The scan below would see them: before the deletion both are in the files.
    const dbFiles = async () =>
      Promise.all(
        (await readdir(h.dir))
          .filter((f) => f.startsWith('portal.db'))
          .map((f) => readFile(join(h.dir, f))),
      );
    for (const trace of traces) {
      expect((await dbFiles()).some((bytes) => bytes.includes(trace))).toBe(true);
    }
    const run = await jobs();
    expect(run.failed).toEqual([]);
    expect(run.ran).toContain('retention');
    const left = await h.ctx.db.all<{ id: string }>(sql`select id from reports`);
    expect(left.map((r) => r.id)).toEqual([held.reportId]);
    for (const table of ['messages', 'attachments', 'attachment_chunks', 'case_events']) {
      const rows = await h.ctx.db.all<{ n: number }>(
        sql.raw(
          `select count(*) as n from ${table} where ${table === 'attachment_chunks' ? 'attachment_id' : 'report_id'} not in (select id from reports)`,
        ),
      );
      expect(Number(rows[0]!.n), table).toBe(0);
    }
    const deletions = await h.ctx.db.all<{ report_id: string; actor_id: string | null }>(
      sql`select report_id, actor_id from audit_log where action = 'case.delete'`,
    );
    expect(deletions).toEqual([{ report_id: kept.reportId, actor_id: null }]);
    expect((await verifyAuditLog(h.ctx)).ok).toBe(true);
    const stats = await h.ctx.db.all<Record<string, unknown>>(sql`select * from case_stats`);
    expect(stats).toHaveLength(1);
    expect(Object.keys(stats[0]!).sort()).toEqual(
      [
        'acknowledged_in_time',
        'classification',
        'closed_day',
        'id',
        'outcome',
        'received_day',
        'unit_id',
      ].sort(),
    );
    const cells = await figures(h.ctx);
    const basicId = demoUnit(await h.units(), 'basic').id;
    expect(cells.filter((c) => c.unitId === basicId).length).toBeGreaterThan(0);
  });

  it('tells the reporter of a deleted case that it was closed and deleted', async () => {
    const err = await openCase(h.fetcher, kept.receipt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(410);
    expect((err as ApiError).message).toMatch(/closed and has since been deleted/);
  });

  it('runs each job once per slot, however often it is started', async () => {
    const again = await jobs();
    expect(again.ran).not.toContain('retention');
    expect(again.skipped).toContain('retention');
    const both = await Promise.all([jobs(), jobs()]);
    expect(both.flatMap((r) => r.ran).filter((n) => n === 'retention')).toHaveLength(0);
  });

  it('runs from system cron as `portal jobs run`, beside the running portal', async () => {
    const res = await cliOn(h, ['jobs', 'run']);
    expect(res.code, res.stderr).toBe(0);
    // The CLI's clock is the real one: today's slots are its own, and a second run finds them taken.
    // (The arrivals sweep runs first from 00:05 UTC, and waits before that minute.)
    expect(res.stdout).toMatch(/^jobs: ran (arrivals, )?housekeeping, retention, compaction/m);
    const again = await cliOn(h, ['jobs', 'run']);
    expect(again.stdout).toMatch(/already done (arrivals, )?housekeeping, retention, compaction/);
  });

  it('leaves no trace of the deleted ciphertext in the database files after compaction', async () => {
    const files = (await readdir(h.dir)).filter((f) => f.startsWith('portal.db'));
    expect(files.length).toBeGreaterThan(0);
    expect(traces).toHaveLength(2);
    for (const f of files) {
      const bytes = await readFile(join(h.dir, f));
      for (const trace of traces) expect(bytes.includes(trace), f).toBe(false);
    }
    // The file was encrypted in the browser: the plaintext never reached the server at all.
    for (const f of files)
      expect((await readFile(join(h.dir, f))).includes(Buffer.from(CANARY))).toBe(false);
  });

  it('needs two administrators to delete a submission early', async () => {
    basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    admin2 = await signIn(withCookies(h.fetcher), admin2.key);
    const wrong = await submit('A mistaken submission.');
    expect((await post(basic, `/api/admin/cases/${wrong.reportId}/delete`)).status).toBe(403);
    expect(await (await post(admin, `/api/admin/cases/${wrong.reportId}/delete`)).json()).toEqual({
      status: 'requested',
    });
    expect((await post(admin, `/api/admin/cases/${wrong.reportId}/delete`)).status).toBe(409);
    expect(await (await post(admin2, `/api/admin/cases/${wrong.reportId}/delete`)).json()).toEqual({
      status: 'done',
    });
    const rows = await h.ctx.db.all<{ n: number }>(
      sql`select count(*) as n from reports where id = ${wrong.reportId}`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    const audit = await h.ctx.db.all<{ action: string; actor_id: string }>(
      sql`select action, actor_id from audit_log where report_id = ${wrong.reportId} and action like 'case.delete%' order by seq`,
    );
    expect(audit).toEqual([
      { action: 'case.delete_request', actor_id: admin.supervisor.id },
      { action: 'case.delete', actor_id: admin2.supervisor.id },
    ]);
  });

  it('lets an administrator set a unit’s period, and refuses bad values', async () => {
    const unit = demoUnit(await h.units(), 'basic');
    const bad = await post(admin, `/api/admin/units/${unit.id}/retention`, { months: 0 });
    expect(bad.status).toBe(400);
    const ok = await post(admin, `/api/admin/units/${unit.id}/retention`, { months: 36 });
    expect(ok.status).toBe(200);
    expect(demoUnit(await h.units(), 'basic').retentionMonths).toBe(36);
  });
});
