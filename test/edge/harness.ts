// The edge twin of test/helpers/harness.ts, with the same exports: a portal inside workerd over
// the D1 and R2 bindings, requests through the real Worker entry, the demo hierarchy seeded fresh.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import type { Fetcher } from '../../src/client/api';
import type { UnitView } from '../../src/client/types';
import type { Ctx } from '../../src/context';
import { unlockPrivateKey } from '../../src/crypto';
import { DEMO_PASSPHRASE, type DemoKey, seedDemo } from '../../src/demo/seed';
import { createWorker } from '../../src/entry/worker';
import { parseWorkerEnv } from '../../src/entry/worker-env';
import { type D1Binding, openD1 } from '../../src/storage/d1';
import { R2BlobStore, type R2BucketLike } from '../../src/storage/r2-blobs';

export interface Harness {
  dir: string;
  dbFile: string;
  ctx: Ctx;
  app: { request: (path: string, init?: RequestInit) => Promise<Response> };
  fetcher: Fetcher;
  demoKeys: DemoKey[];
  passphrase: string;
  logs: string[];
  /** Moves the portal's clock forward (tests of expiry and deadlines). */
  advance: (ms: number) => void;
  units: () => Promise<UnitView[]>;
  close: () => Promise<void>;
}

type Migrations = { name: string; queries: string[] }[];

/** Empties every table, so each scenario file starts from the state the Node harness gives. */
async function emptyDatabase(ctx: Ctx) {
  const tables = await ctx.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations'`,
  );
  await ctx.db.run(sql`pragma defer_foreign_keys = on`);
  for (const { name } of tables) await ctx.db.run(sql.raw(`delete from "${name}"`));
}

export async function makeHarness(overrides: Record<string, string> = {}): Promise<Harness> {
  const bindings: Record<string, unknown> = {
    ...env,
    PORTAL_ENV: 'test',
    POW_SUBMIT_DIFFICULTY: '4',
    POW_LOOKUP_DIFFICULTY: '4',
    ...overrides,
  };
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const worker = createWorker({ now });
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS as Migrations);
  const ctx: Ctx = {
    db: openD1(env.DB as D1Binding),
    blobs: new R2BlobStore(env.BLOBS as R2BucketLike),
    config: parseWorkerEnv(bindings).config,
    now,
  };
  await emptyDatabase(ctx);
  const demoKeys = await seedDemo(ctx);
  const request = (path: string, init?: RequestInit) =>
    worker.fetch(new Request(new URL(path, 'http://localhost'), init), bindings, {});
  return {
    dir: '',
    dbFile: '',
    ctx,
    app: { request },
    fetcher: request,
    demoKeys,
    passphrase: DEMO_PASSPHRASE,
    logs: [],
    advance: (ms) => {
      offset += ms;
    },
    units: async () =>
      ((await (await request('/api/units')).json()) as { units: UnitView[] }).units,
    close: async () => {},
  };
}

/** Units by demo slug: basic (lowest), intermediate, provincial (highest). */
export function demoUnit(
  units: UnitView[],
  level: 'basic' | 'intermediate' | 'provincial',
): UnitView {
  const unit = units.find((u) => u.level === level);
  if (!unit) throw new Error(`no ${level} unit`);
  return unit;
}

export const sampleReport = (whatHappened: string) => ({
  category: 'interference' as const,
  whatHappened,
  when: '2026-10-02',
  where: 'Courtroom 3',
  who: 'A vice-president of the court',
  howKnown: 'I was present',
});

// The two helpers below are the same as in test/helpers/harness.ts, which imports Node modules and
// so cannot be loaded in workerd.

/** A fetcher that keeps cookies like a browser would, for supervisor sessions. */
export function withCookies(fetcher: Fetcher): Fetcher & { jar: Map<string, string> } {
  const jar = new Map<string, string>();
  const wrapped = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetcher(path, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      if (/max-age=0/i.test(line) || value.join('=') === '') jar.delete(name.trim());
      else jar.set(name.trim(), value.join('='));
    }
    return res;
  };
  return Object.assign(wrapped, { jar });
}

/** The unlocked demo key of a unit's supervisor (or of the demo admin / auditor). */
export async function demoKey(h: Harness, name: string) {
  const key = h.demoKeys.find((k) => k.name === name);
  if (!key) throw new Error(`no demo key ${name}`);
  return unlockPrivateKey(key.privateKey, h.passphrase);
}
