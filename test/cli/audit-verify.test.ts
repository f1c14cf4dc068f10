// `portal audit verify` on copies of a real database: intact it passes; an edited, removed,
// reordered or truncated entry makes it fail, naming the entry. The copy is never written.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitReport } from '../../src/client/reporter';
import { fetchCase, inbox, sendReply, setState, signIn } from '../../src/client/supervisor';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';
import { cli } from './run';

let h: Harness;
let copies = 0;
let entries = 0;

beforeAll(async () => {
  h = await makeHarness();
  const units = await h.units();
  await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('The court president asked me to drop the case.'),
    files: [],
  });
  const basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  await signIn(withCookies(h.fetcher), await demoKey(h, 'provincial-supervisor'));
  const caseId = (await inbox(basic)).items[0]!.id;
  const c = await fetchCase(basic, caseId);
  await sendReply(basic, c, 'Received; we are looking into it.');
  await setState(basic, caseId, 'acknowledged');
  // Everything into the main file, so a plain file copy holds the whole log.
  await h.ctx.db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
  const rows = await h.ctx.db.all<{ n: number }>(sql`select count(*) as n from audit_log`);
  entries = Number(rows[0]?.n);
});
afterAll(() => h.close());

/** A fresh copy of the database, optionally tampered with by raw SQL. */
async function copy(...tamper: string[]): Promise<string> {
  const file = join(h.dir, `copy-${++copies}.db`);
  await copyFile(h.dbFile, file);
  if (tamper.length > 0) {
    const client = createClient({ url: `file:${file}` });
    for (const statement of tamper) await client.execute(statement);
    client.close();
  }
  return file;
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('audit verify', () => {
  it('passes on an intact log of sign-ins, an opening, a reply and a state change', async () => {
    expect(entries).toBeGreaterThanOrEqual(5);
    const file = await copy();
    const before = await sha256(file);
    const r = await cli(['audit', 'verify', '--db', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^audit log OK: ${entries} entries, head [0-9a-f]{64}\\n` +
          'by supervisors, administrators and auditors: \\d+; by the operator \\(command line\\): \\d+; by the portal itself: \\d+\\n' +
          // Today's report is not in the log before the next 00:05 UTC sweep, and verify says so.
          'cases not yet logged \\(1\\): [^\\n]+\\n' +
          'database agrees with the log\\n$',
      ),
    );
    expect(await sha256(file)).toBe(before);
  });

  it('fails when one entry’s detail is edited', async () => {
    const file = await copy(`update audit_log set detail = '{"state":"closed"}' where seq = 3`);
    const r = await cli(['audit', 'verify', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'audit log BROKEN at entry 3: entry 3 was altered after it was written\n',
    );
    expect(r.stdout).toBe('');
  });

  it('fails when one entry’s action is edited', async () => {
    const file = await copy(`update audit_log set action = 'auth.sign_out' where seq = 2`);
    const r = await cli(['audit', 'verify', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^audit log BROKEN at entry 2: /);
  });

  it('fails when a middle entry is deleted', async () => {
    const file = await copy('delete from audit_log where seq = 3');
    const r = await cli(['audit', 'verify', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'audit log BROKEN at entry 3: entry 3 is missing (found 4 in its place)\n',
    );
  });

  it('fails when two entries are swapped', async () => {
    // `seq` is unique, so the swap goes through a temporary value.
    const file = await copy(
      'update audit_log set seq = 1000000 where seq = 2',
      'update audit_log set seq = 2 where seq = 3',
      'update audit_log set seq = 3 where seq = 1000000',
    );
    const r = await cli(['audit', 'verify', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'audit log BROKEN at entry 2: entry 2 does not link to the entry before it\n',
    );
  });

  it('fails when the head of the log (its first entries) is cut off', async () => {
    const file = await copy('delete from audit_log where seq in (1, 2)');
    const r = await cli(['audit', 'verify', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'audit log BROKEN at entry 1: entry 1 is missing (found 3 in its place)\n',
    );
  });

  it('detects a cut-off tail against a head recorded earlier with `audit head`', async () => {
    const head = await cli(['audit', 'head', '--db', await copy()]);
    expect(head.code).toBe(0);
    const recorded = head.stdout.trim();
    expect(recorded).toMatch(/^[0-9a-f]{64}$/);
    const file = await copy(`delete from audit_log where seq = ${entries}`);
    // The shortened chain is self-consistent…
    expect((await cli(['audit', 'verify', '--db', file])).code).toBe(0);
    // …but the head the auditor wrote down is gone.
    const r = await cli(['audit', 'verify', '--db', file, '--head', recorded]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^audit log BROKEN after entry \d+: recorded head [0-9a-f]{64} is no/);
    const ok = await cli(['audit', 'verify', '--db', await copy(), '--head', recorded]);
    expect(ok.code).toBe(0);
  });

  it('refuses a missing database file rather than verifying an empty new one', async () => {
    const missing = join(h.dir, 'nope.db');
    const r = await cli(['audit', 'verify', '--db', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^database file not found: /);
    expect(existsSync(missing)).toBe(false);
  });
});
