// What every command shares: where output goes, the two kinds of failure (usage and runtime),
// and opening the portal's context the way the server does (or a given database file).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config';
import { type Ctx, contextOf } from '../context';
import { DbBlobStore } from '../storage/db-blobs';
import { openLibsql } from '../storage/libsql';

export interface Writer {
  write(chunk: string): unknown;
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: Writer;
  stderr: Writer;
  /** Base for relative paths; the process's working directory unless a test says otherwise. */
  cwd: string;
}

/** Wrong arguments: exit code 2, with the command's usage. */
export class UsageError extends Error {}

/** A command that ran and failed: exit code 1, one line on stderr. */
export class CliFailure extends Error {}

export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  /** e.g. `unit create --name N --name-zh N --level LEVEL [--parent ID]` */
  usage: string;
  summary: string;
  /** Lines describing options and behaviour, shown by `--help`. */
  details: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  /** Names of the positional arguments, all required. */
  positionals?: string[];
  run(args: { values: Values; positionals: string[] }, io: CliIo): Promise<number | undefined>;
}

export const print = (w: Writer, line = '') => w.write(`${line}\n`);

export function requireString(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function optionalString(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${what} must be one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The database URL and data folder: `--db FILE` overrides the configured database. */
export function resolveStorage(io: CliIo, dbFile: string | undefined) {
  // The CLI serves no requests, so it needs no PUBLIC_ORIGIN, even in production.
  const config = loadConfig(io.env, { serving: false });
  if (!dbFile) return { config, url: config.databaseUrl, authToken: config.databaseAuthToken };
  const path = resolve(io.cwd, dbFile);
  // A database file's blobs live beside it (data/portal.db, data/blobs) unless DATA_DIR says else.
  const dataDir = io.env.DATA_DIR ? resolve(io.cwd, io.env.DATA_DIR) : dirname(path);
  return { config: { ...config, dataDir }, url: `file:${path}`, authToken: undefined, path };
}

/** Opens the context like the server does (migrations applied), runs `fn`, always closes. */
export async function withCtx<T>(
  io: CliIo,
  dbFile: string | undefined,
  fn: (ctx: Ctx) => Promise<T>,
): Promise<T> {
  const storage = resolveStorage(io, dbFile);
  if (storage.path && !existsSync(storage.path)) {
    throw new CliFailure(`database file not found: ${storage.path}`);
  }
  // Like the server: the configured data folder is made on first use (first administrator).
  if (!storage.path)
    await mkdir(resolve(io.cwd, storage.config.dataDir), { recursive: true, mode: 0o700 });
  const opened = await openLibsql(storage.url, storage.authToken);
  const { db, close } = opened;
  const ctx = contextOf(opened, {
    blobs: new DbBlobStore(db),
    config: storage.config,
    now: () => new Date(),
  });
  try {
    return await fn(ctx);
  } finally {
    close();
  }
}

export const DB_OPTION = { db: { type: 'string' } } as const;
export const DB_HELP =
  '--db FILE         use this existing SQLite/libSQL file instead of DATABASE_URL';
