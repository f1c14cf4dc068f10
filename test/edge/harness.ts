// The edge twin of test/helpers/harness.ts, with the same exports: a portal inside workerd over
// the D1 and R2 bindings, requests through the real Worker entry, the demo hierarchy seeded fresh.
import {
  applyD1Migrations,
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import type { Fetcher } from '../../src/client/api';
import type { UnitView } from '../../src/client/types';
import { type Ctx, contextOf } from '../../src/context';
import { DEMO_PASSPHRASE, type DemoKey, seedDemo } from '../../src/demo/seed';
import { createWorker } from '../../src/entry/worker';
import { parseWorkerEnv } from '../../src/entry/worker-env';
import { prepareServerSecret } from '../../src/pow/service';
import { type D1Binding, openD1 } from '../../src/storage/d1';
import { R2BlobStore, type R2BucketLike } from '../../src/storage/r2-blobs';

/** Where the scenario runs: the Node harness (test/helpers/harness.ts) says 'node'. */
export const RUNTIME: 'node' | 'workerd' = 'workerd';

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
  /** A Cron Trigger's scheduled event, delivered to the Worker entry at the harness's time. */
  scheduled: (extra?: Record<string, unknown>) => Promise<void>;
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
    // Requests in tests are made to http://localhost.
    PUBLIC_ORIGIN: 'http://localhost',
    ...overrides,
  };
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const worker = createWorker({ now });
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS as Migrations);
  const ctx = contextOf(openD1(env.DB as D1Binding), {
    blobs: new R2BlobStore(env.BLOBS as R2BucketLike),
    config: parseWorkerEnv(bindings).config,
    now,
  });
  await emptyDatabase(ctx);
  const demoKeys = await seedDemo(ctx);
  // As after a deployed portal's first request: its MAC key exists.
  await prepareServerSecret(ctx);
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
    scheduled: async (extra = {}) => {
      const controller = createScheduledController({ scheduledTime: now(), cron: '* * * * *' });
      const execution = createExecutionContext();
      await worker.scheduled(controller, { ...bindings, ...extra }, execution);
      await waitOnExecutionContext(execution);
    },
  };
}

import { harnessHooks } from '../helpers/scenario';

/** A fresh portal for this test file, made in beforeAll and closed in afterAll. */
export const useHarness = <S = undefined>(
  env: Record<string, string> = {},
  setup?: (h: Harness) => Promise<S>,
) => harnessHooks(() => makeHarness(env), setup);

export {
  approveAsAuditor,
  approvedKey,
  createdId,
  decideAsAdmin,
  demoKey,
  demoUnit,
  enrolKey,
  expectLikeMissing,
  reportTo,
  sampleReport,
  signedIn,
  withCookies,
} from '../helpers/scenario';
