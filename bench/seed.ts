// Prepares the portal's database before its server starts: the demo units, two more approved
// supervisor keys for the bench unit (so it has three), a real 16 KB report sealed to them, and
// `rows` cases bulk-inserted straight into SQL with realistic column values.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { eq } from 'drizzle-orm';
import { supervisors, units } from '../db/schema';
import { loadConfig } from '../src/config';
import { type Ctx, contextOf } from '../src/context';
import {
  deriveReceiptSecrets,
  generateDemoKey,
  generateReceipt,
  generateReporterKey,
  sealJson,
  unlockPrivateKey,
} from '../src/crypto';
import { DEMO_PASSPHRASE } from '../src/demo/seed';
import { firstStart } from '../src/entry/node-setup';
import { JOBS } from '../src/jobs/list';
import { runJobs } from '../src/jobs/scheduler';
import { compactDatabase } from '../src/storage/at-rest';
import { DbBlobStore } from '../src/storage/db-blobs';
import { openLibsql } from '../src/storage/libsql';
import { supervisorValues } from '../src/supervisors/records';

export interface Fixture {
  unitId: string;
  /** Armored, locked private key of one of the unit's supervisors (passphrase DEMO_PASSPHRASE). */
  supervisorPrivateKey: string;
  supervisorPublicKeys: string[];
  reporter: { publicKey: string; lockedKey: string; keyPassphrase: string };
  /** The armored report ciphertext, sealed to the three supervisor keys and the reporter's. */
  report: string;
  /** Lookup tokens of seeded cases, to look up. */
  knownTokens: string[];
  /** The inbox cursor 90% of the way down the unit's cases. */
  deepCursor: string;
}

const token = () => randomBytes(32).toString('base64url');
const id = () => randomBytes(16).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const day = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** A report of about 16 KB of JSON: the padded plaintext is exactly one 16 KiB bucket. */
export function reportContent() {
  const sentence = 'On the stated day the presiding judge met the party outside the hearing. ';
  return {
    v: 1 as const,
    type: 'report' as const,
    category: 'improper_contact',
    whatHappened: sentence.repeat(Math.floor(15_800 / sentence.length)),
    when: '2024-05-12',
    where: 'Courtroom 3',
    who: 'A judge of the civil division',
    howKnown: 'I was present.',
  };
}

async function addSupervisors(ctx: Ctx, unitId: string): Promise<void> {
  for (const n of [2, 3]) {
    const key = await generateDemoKey(`Bench supervisor ${n}`, DEMO_PASSPHRASE);
    const values = await supervisorValues(ctx, {
      unitId,
      displayName: `Bench supervisor ${n}`,
      role: 'supervisor',
      status: 'approved',
      publicKey: key.publicKey,
    });
    await ctx.db.insert(supervisors).values(values);
  }
}

function caseRow(unitId: string, reporter: Fixture['reporter'], i: number, now: Date) {
  const received = plusDays(now, -Math.floor(Math.random() * 730));
  const states = ['received', 'acknowledged', 'in_review', 'investigating', 'closed'] as const;
  const state = states[i % states.length]!;
  const reportId = id();
  const ack = day(plusDays(received, 7));
  const feedback = day(plusDays(received, 91));
  const sortKey =
    state === 'closed'
      ? `2|${day(received)}|${reportId}`
      : `1|${state === 'received' ? ack : feedback}|${reportId}`;
  const lookupToken = token();
  const values = [
    reportId,
    unitId,
    sha256(lookupToken),
    reporter.publicKey,
    reporter.lockedKey,
    state,
    state === 'closed' ? 'unsubstantiated' : null,
    day(received),
    ack,
    feedback,
    sortKey,
  ];
  return { reportId, lookupToken, received: day(received), values };
}

/** Inserts `rows` cases, each with its history entry and its report message, in big batches. */
async function bulkInsert(
  client: Client,
  fx: Omit<Fixture, 'knownTokens' | 'deepCursor'>,
  rows: number,
) {
  const perStatement = 250;
  const perTransaction = 2000;
  const known: string[] = [];
  const now = new Date();
  for (let done = 0; done < rows; done += perTransaction) {
    const statements = [];
    for (let s = done; s < Math.min(rows, done + perTransaction); s += perStatement) {
      const n = Math.min(perStatement, rows - s);
      const cases = Array.from({ length: n }, (_, k) =>
        caseRow(fx.unitId, fx.reporter, s + k, now),
      );
      for (const c of cases) if (known.length < 200) known.push(c.lookupToken);
      const marks = (count: number) => `(${Array(count).fill('?').join(', ')})`;
      statements.push({
        sql: `INSERT INTO reports (id, unit_id, lookup_hash, reporter_public_key, reporter_locked_key,
          state, outcome, received_day, acknowledge_by, feedback_by, sort_key)
          VALUES ${cases.map(() => marks(11)).join(', ')}`,
        args: cases.flatMap((c) => c.values),
      });
      statements.push({
        sql: `INSERT INTO case_events (id, report_id, position, state, day) VALUES
          ${cases.map(() => "(?, ?, 0, 'received', ?)").join(', ')}`,
        args: cases.flatMap((c) => [id(), c.reportId, c.received]),
      });
      // The same ciphertext for every case, bound once by name rather than once per row.
      statements.push({
        sql: `INSERT INTO messages (id, report_id, position, kind, ciphertext, day) VALUES
          ${cases.map((_, k) => `(:m${k}, :r${k}, 0, 'report', :c, :d${k})`).join(', ')}`,
        args: Object.fromEntries([
          ['c', fx.report],
          ...cases.flatMap((c, k) => [
            [`m${k}`, id()],
            [`r${k}`, c.reportId],
            [`d${k}`, c.received],
          ]),
        ]),
      });
    }
    await client.batch(statements, 'write');
  }
  return known;
}

export async function preparePortal(dataDir: string, rows: number): Promise<Fixture> {
  const env = { DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, 'portal.db')}` };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const storage = await openLibsql(env.DATABASE_URL);
  const { db, close } = storage;
  try {
    const ctx = contextOf(storage, {
      blobs: new DbBlobStore(db),
      config: loadConfig(env),
      now: () => new Date(),
    });
    await firstStart(ctx, dataDir, () => {});
    const [unit] = await db.select().from(units).where(eq(units.level, 'basic'));
    if (!unit) throw new Error('the demo seed made no basic unit');
    await addSupervisors(ctx, unit.id);
    const keys = await db.select().from(supervisors).where(eq(supervisors.unitId, unit.id));
    const { keyPassphrase } = await deriveReceiptSecrets(generateReceipt());
    const { publicKey, lockedKey } = await generateReporterKey(keyPassphrase);
    const signingKey = await unlockPrivateKey(lockedKey, keyPassphrase);
    const supervisorPublicKeys = keys.map((k) => k.publicKey);
    const report = await sealJson(reportContent(), {
      recipients: [...supervisorPublicKeys, publicKey],
      signingKey,
    });
    const base = {
      unitId: unit.id,
      supervisorPrivateKey: await readFile(
        join(dataDir, 'demo', 'basic-supervisor.private.asc'),
        'utf8',
      ),
      supervisorPublicKeys,
      reporter: { publicKey, lockedKey, keyPassphrase },
      report,
    };
    // drizzle's handle on the underlying client, for raw multi-row inserts.
    const client = (db as typeof db & { $client: Client }).$client;
    const knownTokens = await bulkInsert(client, base, rows);
    // A long-running portal has run today's jobs: its past days' arrivals are in the audit log
    // and the database was compacted. Without this the server's first scheduler run would log
    // 100,000 arrivals and compact gigabytes while it is being started and measured.
    await runJobs(
      { ctx, mailer: undefined, log: () => {}, compact: () => compactDatabase(db) },
      JOBS,
    );
    // Start the server from a checkpointed file, as a long-running portal would be.
    await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    const deep = await client.execute({
      sql: 'SELECT sort_key FROM reports WHERE unit_id = ? ORDER BY sort_key LIMIT 1 OFFSET ?',
      args: [unit.id, Math.floor(rows * 0.9)],
    });
    return { ...base, knownTokens, deepCursor: String(deep.rows[0]?.sort_key ?? '') };
  } finally {
    close();
  }
}
