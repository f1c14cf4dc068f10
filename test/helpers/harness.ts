// A fresh portal for one test file: a migrated libSQL file database in a temp folder, a disk
// blob store, the demo hierarchy with freshly generated keys, and `app.request` as the fetcher.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import type { Fetcher } from '../../src/client/api';
import type { UnitView } from '../../src/client/types';
import { loadConfig } from '../../src/config';
import { type Ctx, contextOf } from '../../src/context';
import { DEMO_PASSPHRASE, type DemoKey, seedDemo } from '../../src/demo/seed';
import { RequestTally } from '../../src/http/request-log';
import { prepareServerSecret } from '../../src/pow/service';
import { DbBlobStore } from '../../src/storage/db-blobs';
import { openLibsql } from '../../src/storage/libsql';

/** Where the scenario runs: the edge harness (test/edge/harness.ts) says 'workerd'. */
export const RUNTIME: 'node' | 'workerd' = 'node';

export interface Harness {
  dir: string;
  dbFile: string;
  ctx: Ctx;
  app: ReturnType<typeof createApp>;
  fetcher: Fetcher;
  demoKeys: DemoKey[];
  passphrase: string;
  logs: string[];
  /** The counts of public-side requests, which are not logged line by line. */
  tally: RequestTally;
  /** Moves the portal's clock forward (tests of expiry and deadlines). */
  advance: (ms: number) => void;
  units: () => Promise<UnitView[]>;
  close: () => Promise<void>;
}

export async function makeHarness(env: Record<string, string> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'portal-test-'));
  const dbFile = join(dir, 'portal.db');
  const config = loadConfig({
    PORTAL_ENV: 'test',
    DATA_DIR: dir,
    DATABASE_URL: `file:${dbFile}`,
    POW_SUBMIT_DIFFICULTY: '4',
    POW_LOOKUP_DIFFICULTY: '4',
    // Requests in tests are made to http://localhost.
    PUBLIC_ORIGIN: 'http://localhost',
    ...env,
  });
  const storage = await openLibsql(config.databaseUrl);
  const { db, close } = storage;
  let offset = 0;
  const ctx = contextOf(storage, {
    blobs: new DbBlobStore(db),
    config,
    now: () => new Date(Date.now() + offset),
  });
  const demoKeys = await seedDemo(ctx);
  await prepareServerSecret(ctx);
  const logs: string[] = [];
  const tally = new RequestTally();
  const app = createApp(() => ctx, { log: (line) => logs.push(line), tally });
  const fetcher: Fetcher = (path, init) => app.request(path, init);
  return {
    dir,
    dbFile,
    ctx,
    app,
    fetcher,
    demoKeys,
    passphrase: DEMO_PASSPHRASE,
    logs,
    tally,
    advance: (ms) => {
      offset += ms;
    },
    units: async () =>
      ((await (await app.request('/api/units')).json()) as { units: UnitView[] }).units,
    close: async () => {
      close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { harnessHooks } from './scenario';

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
} from './scenario';
