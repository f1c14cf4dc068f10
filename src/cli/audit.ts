// `portal audit …`: verify the hash-chained audit log, read-only, so an outside auditor can run
// it on a copy of the database without changing a byte of it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from '../../db/schema';
import { type ChainCheck, type ChainedEntry, verifyChain } from '../audit/chain';
import { readLog } from '../audit/service';
import { type Ctx, contextOf } from '../context';
import { plainStorage } from '../storage/db';
import { DbBlobStore } from '../storage/db-blobs';
import {
  CliFailure,
  type CliIo,
  type Command,
  DB_OPTION,
  optionalString,
  print,
  resolveStorage,
} from './io';

const READ_ONLY_DB_HELP =
  '--db FILE         verify this database file (e.g. an auditor’s copy); opened read-only, no migrations';

/** Opens the database without migrating or writing: the copy under audit must stay as it is. */
async function withReadOnlyCtx<T>(
  io: CliIo,
  dbFile: string | undefined,
  fn: (ctx: Ctx) => Promise<T>,
) {
  const storage = resolveStorage(io, dbFile);
  const filePath = storage.url.startsWith('file:') ? storage.url.slice(5) : null;
  // libSQL would silently create a missing file, and an empty log would then "verify".
  if (filePath !== null && !existsSync(resolve(io.cwd, filePath))) {
    throw new CliFailure(`database file not found: ${filePath}`);
  }
  const client = createClient({
    url: storage.url,
    ...(storage.authToken ? { authToken: storage.authToken } : {}),
  });
  try {
    const db = drizzle(client, { schema });
    const tables = await db.all<{ name: string }>(
      sql`select name from sqlite_master where type = 'table' and name = 'audit_log'`,
    );
    if (tables.length === 0) throw new CliFailure('this database has no audit log table');
    const ctx = contextOf(plainStorage(db), {
      blobs: new DbBlobStore(db),
      config: storage.config,
      now: () => new Date(),
    });
    return await fn(ctx);
  } finally {
    client.close();
  }
}

/** Verifies the chain and, when asked, that a head recorded earlier is still part of it. */
async function check(ctx: Ctx, recordedHead: string | undefined) {
  let seen = recordedHead === undefined;
  async function* watched(): AsyncGenerator<ChainedEntry> {
    for await (const e of readLog(ctx)) {
      if (e.hash === recordedHead) seen = true;
      yield e;
    }
  }
  const result: ChainCheck = await verifyChain(watched());
  return { result, headFound: seen };
}

const verify: Command = {
  usage: 'audit verify [--db FILE] [--head HASH]',
  summary: 'check every entry of the audit log: no edit, removal, reordering or lost head',
  details: [
    READ_ONLY_DB_HELP,
    '--head HASH       a head hash recorded earlier (`audit head`): fails if it is no longer in the',
    '                  log, which shows that the tail was cut off or rewritten',
    'Exit code 0 when the log is intact, 1 when it is broken.',
  ],
  options: { ...DB_OPTION, head: { type: 'string' } },
  async run({ values }, io) {
    const recordedHead = optionalString(values, 'head')?.toLowerCase();
    const { result, headFound } = await withReadOnlyCtx(io, optionalString(values, 'db'), (ctx) =>
      check(ctx, recordedHead),
    );
    if (!result.ok) {
      throw new CliFailure(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`);
    }
    if (!headFound) {
      throw new CliFailure(
        `audit log BROKEN after entry ${result.entries}: recorded head ${recordedHead} is no longer in the log (tail removed or rewritten)`,
      );
    }
    print(io.stdout, `audit log OK: ${result.entries} entries, head ${result.head}`);
    return 0;
  },
};

const head: Command = {
  usage: 'audit head [--db FILE]',
  summary: 'print the hash of the newest entry, to record out of band (checks the chain first)',
  details: [
    READ_ONLY_DB_HELP,
    'Prints the hash alone. Later, `audit verify --head <hash>` proves that nothing up to that',
    'entry was removed or rewritten.',
  ],
  options: { ...DB_OPTION },
  async run({ values }, io) {
    const { result } = await withReadOnlyCtx(io, optionalString(values, 'db'), (ctx) =>
      check(ctx, undefined),
    );
    if (!result.ok) {
      throw new CliFailure(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`);
    }
    print(io.stdout, result.head);
    return 0;
  },
};

export const auditCommands: Record<string, Command> = { verify, head };
