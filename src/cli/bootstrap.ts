// `portal bootstrap sql …`: the first unit and administrator of a portal whose database the CLI
// cannot open directly (Cloudflare D1), as SQL to apply with `wrangler d1 execute --file`. The
// rows are made by the same services as `unit create` and `admin create`, in a scratch database
// migrated like the real one, so the audit chain they start verifies like any other.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { UNIT_LEVELS } from '../../db/schema';
import { OPERATOR_ACTOR_ID } from '../auth/actor';
import { loadConfig } from '../config';
import { contextOf } from '../context';
import { DbBlobStore } from '../storage/db-blobs';
import { openLibsql } from '../storage/libsql';
import { createAdministrator, createUnit } from '../supervisors/service';
import { type Command, oneOf, optionalString, print, requireString } from './io';
import { readKeyFile } from './supervisors';

const TABLES = ['units', 'supervisors', 'audit_log'] as const;

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** INSERT statements for every row the bootstrap made, in an order that keeps the chain valid. */
export async function bootstrapSql(input: {
  unit: Parameters<typeof createUnit>[2];
  admin: { displayName: string; publicKey: string };
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portal-bootstrap-'));
  const storage = await openLibsql(`file:${join(dir, 'scratch.db')}`);
  const { db, close } = storage;
  try {
    const ctx = contextOf(storage, {
      blobs: new DbBlobStore(db),
      config: loadConfig({ PORTAL_ENV: 'production' }, { serving: false }),
      now: () => new Date(),
    });
    const unit = await createUnit(ctx, { id: OPERATOR_ACTOR_ID }, input.unit);
    await createAdministrator(ctx, OPERATOR_ACTOR_ID, {
      unitId: unit.id,
      displayName: input.admin.displayName,
      publicKey: input.admin.publicKey,
      role: 'admin',
    });
    const lines = [
      '-- Whistleblower portal bootstrap: the first unit and administrator.',
      '-- Apply once, to a freshly migrated, empty database. The audit entries start the hash chain.',
    ];
    for (const table of TABLES) {
      const rows = await db.all<Record<string, unknown>>(
        sql.raw(`select * from ${table}${table === 'audit_log' ? ' order by seq' : ''}`),
      );
      for (const row of rows) {
        lines.push(
          `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.values(row).map(literal).join(', ')});`,
        );
      }
    }
    return `${lines.join('\n')}\n`;
  } finally {
    close();
    await rm(dir, { recursive: true, force: true });
  }
}

const bootstrapSqlCommand: Command = {
  usage:
    'bootstrap sql --name NAME --name-zh NAME --level LEVEL --admin-name NAME --admin-key FILE [--out FILE]',
  summary:
    'print SQL that creates the first unit and administrator (for D1: wrangler d1 execute --file)',
  details: [
    '--name, --name-zh, --level   the first unit, as for `unit create`',
    '--admin-name NAME            the administrator’s display name',
    '--admin-key FILE             their armored OpenPGP public key',
    '--out FILE                   write the SQL there instead of standard output',
    'Then: npx wrangler d1 execute DB --remote --file FILE   (on a migrated, empty database)',
  ],
  options: {
    name: { type: 'string' },
    'name-zh': { type: 'string' },
    level: { type: 'string' },
    'admin-name': { type: 'string' },
    'admin-key': { type: 'string' },
    out: { type: 'string' },
  },
  async run({ values }, io) {
    const text = await bootstrapSql({
      unit: {
        name: requireString(values, 'name'),
        nameZh: requireString(values, 'name-zh'),
        level: oneOf(requireString(values, 'level'), UNIT_LEVELS, '--level'),
        parentId: null,
      },
      admin: {
        displayName: requireString(values, 'admin-name'),
        publicKey: await readKeyFile(io.cwd, requireString(values, 'admin-key')),
      },
    });
    const out = optionalString(values, 'out');
    if (out) {
      await writeFile(resolve(io.cwd, out), text);
      print(io.stderr, `wrote ${out}`);
    } else io.stdout.write(text);
    return 0;
  },
};

export const bootstrapCommands: Record<string, Command> = { sql: bootstrapSqlCommand };
