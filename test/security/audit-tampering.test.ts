// Someone with write access to the database edits it, as an outside tester would; `audit verify`
// must name what was changed. A real libSQL database holding cases (one copied to the unit
// above), an approved colleague, a grant, a pending key and an auditor's signed checkpoint, with
// real OpenPGP keys; each edit is made to a copy of it.
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { logArrivals } from '../../src/audit/arrivals';
import { type ChainedEntry, entryHash, GENESIS_HASH } from '../../src/audit/chain';
import { checkpointText } from '../../src/audit/checkpoints';
import { withAudit } from '../../src/audit/service';
import { type Checkpoint, signCheckpoint } from '../../src/client/admin';
import { grantableKeys, grantCase } from '../../src/client/grants';
import { submitReport } from '../../src/client/reporter';
import { fetchCase, inbox, signIn } from '../../src/client/supervisor';
import type { Ctx } from '../../src/context';
import { signChallenge } from '../../src/crypto';
import { DbBlobStore } from '../../src/storage/db-blobs';
import { cli } from '../cli/run';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';

let h: Harness;
let copies = 0;
let copied: string; // a case copied to the unit above
let plain: string; // a case of the basic unit alone
let colleagueId: string;
let pendingId: string;
let checkpoint: Checkpoint;
let checkpointFile: string;
let auditorKeyFile: string;
let recorded: string;
const units: Record<string, string> = {};

beforeAll(async () => {
  h = await makeHarness();
  const list = await h.units();
  for (const level of ['basic', 'intermediate', 'provincial'] as const)
    units[level] = demoUnit(list, level).id;
  const send = (text: string, copyToParent: boolean) =>
    submitReport(h.fetcher, {
      units: list,
      unitId: units.basic!,
      copyToParent,
      report: sampleReport(text),
      files: [],
    });
  await send('The president asked me to drop the case.', true);
  await send('A clerk read files of a case that is not hers.', false);
  const colleague = await enrolKey(h, units.basic!, 'Colleague');
  await decideAsAdmin(h, colleague.id, 'approve');
  colleagueId = colleague.id;
  pendingId = (await enrolKey(h, units.basic!, 'Waiting')).id;

  const basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  for (const item of (await inbox(basic)).items) await fetchCase(basic, item.id);
  for (const r of await h.ctx.db.select().from(schema.reports)) {
    if (r.copiedUnitId) copied = r.id;
    else plain = r.id;
  }
  const grantee = (await grantableKeys(basic)).keys.find((k) => k.id === colleagueId);
  expect(grantee).toBeDefined();
  await grantCase(basic, copied, colleagueId);

  // The next day, after the 00:05 UTC sweep, the arrivals of this one go into the log.
  const now = h.ctx.now().getTime();
  h.advance((Math.floor(now / 86_400_000) + 1.5) * 86_400_000 - now);
  await logArrivals(h.ctx);
  const auditorKey = await demoKey(h, 'auditor');
  const auditor = await signIn(withCookies(h.fetcher), auditorKey);
  const signed = await signCheckpoint(auditor, auditorKey);
  if (!signed) throw new Error('no head to sign');
  checkpoint = signed;
  // What the auditor keeps outside the server: the checkpoint and their public key.
  checkpointFile = join(h.dir, 'checkpoint.txt');
  await writeFile(checkpointFile, `${checkpoint.text}\n${checkpoint.signature}`);
  auditorKeyFile = join(h.dir, 'auditor.pub.asc');
  await writeFile(auditorKeyFile, auditorKey.toPublic().armor());
  await h.ctx.db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
  recorded = (await cli(['audit', 'head', '--db', h.dbFile])).stdout.trim();
}, 180_000);
afterAll(() => h.close());

async function copy(...tamper: string[]): Promise<string> {
  const file = join(h.dir, `copy-${++copies}.db`);
  await copyFile(h.dbFile, file);
  const client = createClient({ url: `file:${file}` });
  for (const statement of tamper) await client.execute(statement);
  client.close();
  return file;
}

/** Edits the entries of a copy, then renumbers and rehashes the whole chain, as a forger would. */
async function rewrite(file: string, edit: (rows: ChainedEntry[]) => ChainedEntry[]) {
  const client = createClient({ url: `file:${file}` });
  const rs = await client.execute('select * from audit_log order by seq');
  const rows: ChainedEntry[] = rs.rows.map((r) => ({
    id: String(r.id),
    seq: Number(r.seq),
    at: Number(r.at),
    actorId: r.actor_id === null ? null : String(r.actor_id),
    action: String(r.action),
    unitId: r.unit_id === null ? null : String(r.unit_id),
    reportId: r.report_id === null ? null : String(r.report_id),
    targetId: r.target_id === null ? null : String(r.target_id),
    detail: String(r.detail),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  }));
  let prev = GENESIS_HASH;
  const out: ChainedEntry[] = [];
  for (const [i, r] of edit(rows).entries()) {
    const fields = { ...r, seq: i + 1, prevHash: prev };
    const hash = await entryHash(fields);
    out.push({ ...fields, hash });
    prev = hash;
  }
  await client.batch(
    [
      'delete from audit_log',
      ...out.map((e) => ({
        sql: 'insert into audit_log (id, seq, at, actor_id, action, unit_id, report_id, target_id, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        args: [
          e.id,
          e.seq,
          e.at,
          e.actorId,
          e.action,
          e.unitId,
          e.reportId,
          e.targetId,
          e.detail,
          e.prevHash,
          e.hash,
        ],
      })),
    ],
    'write',
  );
  client.close();
  return file;
}

const verify = (file: string, ...extra: string[]) =>
  cli(['audit', 'verify', '--db', file, ...extra]);
const outsideWitness = ['--checkpoint', '', '--witness', ''];
const withWitness = () => {
  outsideWitness[1] = checkpointFile;
  outsideWitness[3] = auditorKeyFile;
  return outsideWitness;
};

describe('the untouched database', () => {
  it('verifies, with the recorded head and the auditor’s checkpoint, and agrees with the log', async () => {
    const r = await verify(await copy(), '--head', recorded, ...withWitness());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/by the operator \(command line\): \d+; by the portal itself: [1-9]/);
    expect(r.stdout).toMatch(/\ndatabase agrees with the log\n$/);
  });
});

describe('direct edits, even with the head recorded', () => {
  it('names a row slipped in outside the chain (seq 0 and below), which no access list shows', async () => {
    const file = await copy(
      `insert into audit_log select 'forged-zero', 0, at, actor_id, action, unit_id, report_id, target_id, detail, 'forged-0', hash from audit_log where action = 'case.open' limit 1`,
      `insert into audit_log select 'forged-minus', -5, at, actor_id, action, unit_id, report_id, target_id, detail, 'forged-1', hash from audit_log where action = 'case.open' limit 1`,
    );
    const r = await verify(file, '--head', recorded);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 row\(s\) outside the chain: .*audit_log\/forged-zero \(seq 0\)/);
    expect(r.stderr).toMatch(/audit_log\/forged-minus \(seq -5\)/);
  });

  it('names a whole case deleted with its messages and events', async () => {
    const file = await copy(
      `delete from messages where report_id = '${plain}'`,
      `delete from case_events where report_id = '${plain}'`,
      `delete from attachments where report_id = '${plain}'`,
      `delete from reports where id = '${plain}'`,
    );
    const r = await verify(file, '--head', recorded);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `cases: reports/${plain}: arrived in the log, no deletion logged, but missing`,
    );
  });

  it('names a case moved to another unit', async () => {
    const file = await copy(
      `update reports set unit_id = '${units.provincial}' where id = '${plain}'`,
    );
    const r = await verify(file, '--head', recorded);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `cases: reports/${plain}: unit ${units.provincial}, but it arrived for ${units.basic}`,
    );
  });

  it('names a pending key approved in the database', async () => {
    const file = await copy(`update supervisors set status = 'approved' where id = '${pendingId}'`);
    const r = await verify(file, '--head', recorded);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`keys: supervisors/${pendingId}: supervisor key [0-9A-F]{40} is approved without`),
    );
  });

  it('names a copy removed, a grant added and a unit moved under another parent', async () => {
    const file = await copy(
      `update reports set copied_unit_id = null where id = '${copied}'`,
      `insert into case_grants select 'forged-grant', '${plain}', grantee_id, granter_id, actor_id, items, created_at from case_grants limit 1`,
      `update units set parent_id = '${units.provincial}' where id = '${units.basic}'`,
    );
    const r = await verify(file, '--head', recorded);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `copies: reports/${copied}: copied to no unit, but it arrived copied to ${units.intermediate}`,
    );
    expect(r.stderr).toContain(`grants: case_grants/forged-grant: grant of ${plain}`);
    expect(r.stderr).toContain(
      `units: units/${units.basic}: parent ${units.provincial}, but created under ${units.intermediate}`,
    );
  });

  it('names a case slipped into a day already swept, and counts one of today as not yet logged', async () => {
    // The portal's clock ran a day ahead: its sweep logged every arrival through the real today.
    const forge = (id: string, day: string) =>
      `insert into reports (id, unit_id, lookup_hash, reporter_public_key, reporter_locked_key, received_day, acknowledge_by, feedback_by, sort_key) select '${id}', unit_id, 'forged-${id}', reporter_public_key, reporter_locked_key, ${day}, acknowledge_by, feedback_by, '9|${id}' from reports limit 1`;
    const swept = await verify(await copy(forge('slippedInSweptDay00000', 'received_day')));
    expect(swept.code).toBe(1);
    expect(swept.stderr).toMatch(
      /cases: reports\/slippedInSweptDay00000: no arrival in the log \(received \d{4}-\d\d-\d\d; every arrival through/,
    );
    // Dated after the last sweep, it is indistinguishable from a real report of that day until
    // the sweep logs it: said as a count, not passed over, and not (yet) a disagreement.
    const waiting = await verify(
      await copy(forge('slippedInToday00000000', "date('now', '+1 day')")),
    );
    expect(waiting.stderr).toBe('');
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toContain('cases not yet logged (1)');
  });

  it('accepts a case that is gone because its deletion was logged', async () => {
    const file = await copy();
    const client = createClient({ url: `file:${file}` });
    const db = drizzle(client, { schema });
    const ctx: Ctx = { ...h.ctx, db, blobs: new DbBlobStore(db) };
    await withAudit(ctx, { actorId: null, action: 'case.delete', reportId: plain }, () => [
      db.delete(schema.messages).where(sql`report_id = ${plain}`),
      db.delete(schema.caseEvents).where(sql`report_id = ${plain}`),
      db.delete(schema.reports).where(sql`id = ${plain}`),
    ]);
    client.close();
    const r = await verify(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('whole-chain rewrites, with no head recorded, are caught by the checkpoint', () => {
  const rewrites: [string, (rows: ChainedEntry[]) => ChainedEntry[]][] = [
    ['the tail cut off', (rows) => rows.slice(0, checkpoint.entries - 2)],
    [
      'an entry deleted, the rest renumbered and rehashed',
      (rows) => rows.filter((r) => r.id !== rows.find((x) => x.action === 'case.open')?.id),
    ],
    [
      'two entries swapped and rehashed',
      (rows) => {
        const i = rows.findIndex((r) => r.action === 'case.open');
        const out = [...rows];
        [out[i], out[i - 1]] = [out[i - 1]!, out[i]!];
        return out;
      },
    ],
    [
      'every case.open moved by 30 days and rehashed',
      (rows) => rows.map((r) => (r.action === 'case.open' ? { ...r, at: r.at - 30 * 86_400 } : r)),
    ],
  ];

  for (const [name, edit] of rewrites) {
    it(`names the stored checkpoint after ${name}`, async () => {
      const file = await rewrite(await copy(), edit);
      const r = await verify(file);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `checkpoints: audit_checkpoints/[A-Za-z0-9_-]{22}: the chain does not extend this checkpoint \\(entry ${checkpoint.entries}, head ${checkpoint.hash}\\)`,
        ),
      );
    });

    it(`with the stored checkpoint deleted too, the auditor’s own copy catches ${name}`, async () => {
      const file = await rewrite(await copy('delete from audit_checkpoints'), edit);
      // Self-consistent to anyone who kept nothing…
      expect((await verify(file)).code).toBe(0);
      // …but not to the auditor, who kept the checkpoint and knows their key.
      const r = await verify(file, ...withWitness());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`checkpoint ${checkpointFile} (entry ${checkpoint.entries}`);
      expect(r.stderr).toContain('is not extended by this log');
    });
  }
});

describe('a checkpoint file without witness keys', () => {
  it('is checked against the auditors the database knows, naming the signer', async () => {
    const r = await verify(await copy(), '--checkpoint', checkpointFile);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `checkpoint ${checkpointFile} \\(entry ${checkpoint.entries}\\): signed by auditor .+ \\([0-9A-F]{40}\\)`,
      ),
    );
  });

  it('refuses a checkpoint by a signer the database does not know', async () => {
    const key = (
      await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'Stranger' }],
        format: 'object',
      })
    ).privateKey;
    const file = join(h.dir, 'stranger-checkpoint.txt');
    await writeFile(file, `${checkpoint.text}\n${await signChallenge(checkpoint.text, key)}`);
    const r = await verify(await copy(), '--checkpoint', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `checkpoint ${file} is not signed by any auditor this database knows: an unknown signer is no witness`,
    );
  });
});

describe('a stranger cannot forge a checkpoint', () => {
  const strangerKey = async () =>
    (
      await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'Stranger' }],
        format: 'object',
      })
    ).privateKey;

  it('a checkpoint of a rewritten chain, signed by another key in the auditor’s name, is named as forged', async () => {
    const file = await rewrite(await copy(), (rows) => rows.slice(0, checkpoint.entries - 2));
    const client = createClient({ url: `file:${file}` });
    const head = (await client.execute('select seq, hash from audit_log order by seq desc limit 1'))
      .rows[0]!;
    const text = checkpointText({ entries: Number(head.seq), hash: String(head.hash) });
    const signature = await signChallenge(text, await strangerKey());
    await client.execute({
      sql: 'update audit_checkpoints set seq = ?, hash = ?, text = ?, signature = ?',
      args: [Number(head.seq), String(head.hash), text, signature],
    });
    client.close();
    const r = await verify(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /checkpoints: audit_checkpoints\/[A-Za-z0-9_-]{22}: the signature does not verify with the key of auditor .*: forged/,
    );
    // And a forged file is no witness against the auditor's own key.
    const forgedFile = join(h.dir, 'forged-checkpoint.txt');
    await writeFile(forgedFile, `${text}\n${signature}`);
    const outside = await verify(file, '--checkpoint', forgedFile, '--witness', auditorKeyFile);
    expect(outside.stderr).toContain(
      `checkpoint ${forgedFile} is not signed by any witness key given`,
    );
  });

  it('a stranger’s key slipped in as an auditor is named for lacking its approvals', async () => {
    const key = await strangerKey();
    const fingerprint = key.getFingerprint().toUpperCase();
    const file = await copy(
      `insert into supervisors (id, unit_id, display_name, role, status, public_key, fingerprint, encryption_key_ids, pseudonym, created_at) values ('stranger-auditor-00000', '${units.provincial}', 'Auditor', 'auditor', 'approved', '${key.toPublic().armor()}', '${fingerprint}', '[]', 'Supervisor XXXX', 0)`,
    );
    const r = await verify(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `keys: supervisors/stranger-auditor-00000: auditor key ${fingerprint} is approved without`,
    );
  });

  it('the portal stores only an auditor’s checkpoint signed with their own key', async () => {
    const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    const head = (await (await admin.fetcher('/api/audit/head')).json()) as { text: string };
    const post = (s: typeof admin, signature: string) =>
      s.fetcher('/api/audit/checkpoints', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ text: head.text, signature }),
      });
    const before = await h.ctx.db.select().from(schema.auditCheckpoints);
    const byAdmin = await post(admin, await signChallenge(head.text, await demoKey(h, 'admin')));
    expect(byAdmin.status).toBe(403);
    const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
    const byStranger = await post(auditor, await signChallenge(head.text, await strangerKey()));
    expect(byStranger.status).toBe(400);
    expect(((await byStranger.json()) as { error: { message: string } }).error.message).toBe(
      'The signature does not verify with your key.',
    );
    expect(await h.ctx.db.select().from(schema.auditCheckpoints)).toEqual(before);
  });
});
