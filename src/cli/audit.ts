// `portal audit …`: verify the hash-chained audit log, read-only, so an outside auditor can run
// it on a copy of the database without changing a byte of it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from '../../db/schema';
import { type ChainCheck, type ChainedEntry, verifyChain } from '../audit/chain';
import {
  checkpointSigner,
  checkpointText,
  type Head,
  parseCheckpoint,
  type SignerKey,
} from '../audit/checkpoints';
import { emptyState, knownAuditors, type LoggedState, reconcile, replay } from '../audit/reconcile';
import { readLog } from '../audit/service';
import { type Ctx, contextOf } from '../context';
import { fingerprintOf, readPrivateKey, signChallenge, unlockPrivateKey } from '../crypto';
import { plainStorage } from '../storage/db';
import { DbBlobStore } from '../storage/db-blobs';
import { passphrase } from './cases';
import {
  CliFailure,
  type CliIo,
  type Command,
  DB_OPTION,
  optionalString,
  print,
  requireString,
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

/** A checkpoint kept outside the server: its text, then the armored detached signature. */
export function readCheckpointFile(text: string): { head: Head; text: string; signature: string } {
  const at = text.indexOf('-----BEGIN PGP SIGNATURE-----');
  const head = at > 0 ? parseCheckpoint(text.slice(0, at)) : null;
  if (!head) throw new CliFailure('not a checkpoint file (its text, then its signature)');
  return { head, text: checkpointText(head), signature: text.slice(at).trim() };
}

/** Everything `audit verify` found: the chain, rows outside it, heads, checkpoints, the state. */
interface Findings {
  result: ChainCheck;
  log: LoggedState;
  problems: string[];
  /** What checked out and is worth saying: who signed each checkpoint given. */
  notes: string[];
  /** Cases too new to be in the log yet (today's, until the 00:05 UTC sweep). */
  waiting: number;
}

type CheckpointFile = { head: Head; text: string; signature: string; name: string };

/**
 * Each checkpoint file: the log must extend it, and it must be signed, at its own time, by one of
 * the witness keys given or, with none given, by an auditor the database knows (weaker: the
 * database is what is being checked, though the keys checker names an auditor slipped into it).
 */
async function checkFiles(
  ctx: Ctx,
  log: LoggedState,
  files: CheckpointFile[],
  witnesses: { name: string; text: string }[],
): Promise<{ problems: string[]; notes: string[] }> {
  const problems: string[] = [];
  const notes: string[] = [];
  const keys: SignerKey[] =
    witnesses.length > 0
      ? await Promise.all(
          witnesses.map(async (w) => ({
            name: `witness key ${w.name}`,
            fingerprint: (await fingerprintOf(w.text)) ?? 'not a key',
            publicKey: w.text,
            closedAt: null,
          })),
        )
      : await knownAuditors(ctx, log);
  for (const f of files) {
    if (log.hashes.get(f.head.entries) !== f.head.hash)
      problems.push(
        `checkpoint ${f.name} (entry ${f.head.entries}, head ${f.head.hash}) is not extended by this log (tail removed or chain rewritten)`,
      );
    const found = await checkpointSigner(f, log.ats.get(f.head.entries), keys, ctx.now());
    if ('signer' in found)
      notes.push(
        `checkpoint ${f.name} (entry ${f.head.entries}): signed by ${found.signer.name} (${found.signer.fingerprint})`,
      );
    else if (found.reason === 'unsigned')
      problems.push(
        witnesses.length > 0
          ? `checkpoint ${f.name} is not signed by any witness key given`
          : `checkpoint ${f.name} is not signed by any auditor this database knows: an unknown signer is no witness`,
      );
    else problems.push(`checkpoint ${f.name}: ${found.problem}`);
  }
  return { problems, notes };
}

/**
 * Verifies the chain and replays it; then every head given (hash, or a signed checkpoint, with
 * the witness keys that must have signed it) must be an entry of this chain, no row may sit
 * outside it, and the database must agree with the log (reconcile.ts).
 */
async function check(
  ctx: Ctx,
  heads: string[],
  files: CheckpointFile[],
  witnesses: { name: string; text: string }[],
): Promise<Findings> {
  const log = emptyState();
  async function* watched(): AsyncGenerator<ChainedEntry> {
    for await (const e of readLog(ctx)) {
      replay(log, e);
      yield e;
    }
  }
  const result: ChainCheck = await verifyChain(watched());
  const problems: string[] = [];
  if (!result.ok) return { result, log, problems, notes: [], waiting: 0 };
  const hashes = new Set(log.hashes.values());
  for (const h of heads)
    if (!hashes.has(h))
      problems.push(`recorded head ${h} is no longer in the log (tail removed or chain rewritten)`);
  const signed = await checkFiles(ctx, log, files, witnesses);
  problems.push(...signed.problems);
  const rows = await ctx.db.all<{ n: number; low: number | null }>(
    sql`select count(*) as n, min(seq) as low from audit_log`,
  );
  const total = Number(rows[0]?.n ?? 0);
  if (total !== result.entries) {
    const outside = await ctx.db.all<{ id: string; seq: unknown }>(
      sql`select id, seq from audit_log where not (typeof(seq) = 'integer' and seq between 1 and ${result.entries})`,
    );
    problems.push(
      `${total - result.entries} row(s) outside the chain: ${outside.map((r) => `audit_log/${r.id} (seq ${String(r.seq)})`).join(', ')}`,
    );
  }
  let waiting = 0;
  for (const d of await reconcile(ctx, log))
    if (d.waiting) waiting++;
    else problems.push(`${d.checker}: ${d.row}: ${d.problem}`);
  return { result, log, problems, notes: signed.notes, waiting };
}

async function readAll(io: CliIo, files: string[]) {
  return Promise.all(
    files.map(async (f) => {
      try {
        return { name: f, text: await readFile(resolve(io.cwd, f), 'utf8') };
      } catch (err) {
        throw new CliFailure(`cannot read ${f}: ${(err as Error).message}`);
      }
    }),
  );
}

const verify: Command = {
  usage: 'audit verify [--db FILE] [--head HASH]… [--checkpoint FILE]… [--witness PUBLIC.asc]…',
  summary:
    'check the audit log (no edit, removal, reordering or lost head) and that the database agrees with it',
  details: [
    READ_ONLY_DB_HELP,
    '--head HASH          a head recorded earlier (`audit head`, the public statistics page, a',
    '                     notification): fails if the log no longer holds it (tail cut or rewritten)',
    '--checkpoint FILE    a checkpoint an auditor kept (`audit checkpoint`): the log must extend it',
    '--witness FILE       an auditor’s public key: each checkpoint given must be signed by one of them;',
    '                     without it, by an auditor key the database knows (the signer is named)',
    'The database is reconciled with the log: cases and their arrivals and deletions, units and',
    'parents, approvals of every active key, grants, copies, and checkpoints stored in the portal.',
    'Every disagreeing row is named. Exit code 0 when all agrees, 1 otherwise.',
  ],
  options: {
    ...DB_OPTION,
    head: { type: 'string', multiple: true },
    checkpoint: { type: 'string', multiple: true },
    witness: { type: 'string', multiple: true },
  },
  async run({ values }, io) {
    const list = (name: string) => (values[name] as string[] | undefined) ?? [];
    const heads = list('head').map((h) => h.toLowerCase());
    const files = (await readAll(io, list('checkpoint'))).map((f) => ({
      name: f.name,
      ...readCheckpointFile(f.text),
    }));
    const witnesses = await readAll(io, list('witness'));
    const { result, log, problems, notes, waiting } = await withReadOnlyCtx(
      io,
      optionalString(values, 'db'),
      (ctx) => check(ctx, heads, files, witnesses),
    );
    if (!result.ok) {
      throw new CliFailure(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`);
    }
    const said = () => {
      for (const n of notes) print(io.stdout, n);
      // Today's cases are not in the log before tomorrow's sweep: said, never passed over.
      if (waiting > 0)
        print(
          io.stdout,
          `cases not yet logged (${waiting}): received since the last sweep of arrivals (00:05 UTC daily); until it logs them, adding or removing such a case leaves no trace in the log`,
        );
    };
    if (problems.length > 0) {
      said();
      // One line per problem, each naming the row or head it is about.
      for (const p of problems)
        print(io.stderr, `audit log BROKEN after entry ${result.entries}: ${p}`);
      throw new CliFailure(`${problems.length} problem(s) found`);
    }
    print(io.stdout, `audit log OK: ${result.entries} entries, head ${result.head}`);
    print(
      io.stdout,
      `by supervisors, administrators and auditors: ${log.supervisorEntries}; by the operator (command line): ${log.operatorEntries}; by the portal itself: ${log.systemEntries}`,
    );
    said();
    print(io.stdout, 'database agrees with the log');
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
    const result = await withReadOnlyCtx(io, optionalString(values, 'db'), (ctx) =>
      verifyChain(readLog(ctx)),
    );
    if (!result.ok) {
      throw new CliFailure(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`);
    }
    print(io.stdout, result.head);
    return 0;
  },
};

const checkpoint: Command = {
  usage: 'audit checkpoint --key PRIVATE.asc [--passphrase-file FILE] [--db FILE]',
  summary: 'sign the head of a verified log with your own key and print the checkpoint to keep',
  details: [
    READ_ONLY_DB_HELP,
    '--key FILE              your (the auditor’s) armored private key',
    '--passphrase-file FILE  its passphrase; else the PORTAL_KEY_PASSPHRASE environment variable',
    'Keep the output outside the server; `audit verify --checkpoint FILE --witness YOUR.asc`',
    'later proves the log still extends it.',
  ],
  options: { ...DB_OPTION, key: { type: 'string' }, 'passphrase-file': { type: 'string' } },
  async run({ values }, io) {
    const armored = await readFile(resolve(io.cwd, requireString(values, 'key')), 'utf8').catch(
      (err: Error) => {
        throw new CliFailure(`cannot read key file: ${err.message}`);
      },
    );
    const secret = await passphrase(optionalString(values, 'passphrase-file'), io.cwd, io.env);
    const key = await readPrivateKey(armored);
    const unlocked = key.isDecrypted() ? key : await unlockPrivateKey(armored, secret ?? '');
    const result = await withReadOnlyCtx(io, optionalString(values, 'db'), (ctx) =>
      verifyChain(readLog(ctx)),
    );
    if (!result.ok) {
      throw new CliFailure(`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`);
    }
    if (result.entries === 0) throw new CliFailure('the audit log is empty');
    const text = checkpointText({ entries: result.entries, hash: result.head });
    io.stdout.write(`${text}\n${await signChallenge(text, unlocked)}`);
    return 0;
  },
};

export const auditCommands: Record<string, Command> = { verify, head, checkpoint };
