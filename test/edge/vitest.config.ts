// Vitest configuration for the edge: the same API scenario files as the Node project, run inside
// workerd through @cloudflare/vitest-pool-workers, over D1 and R2 instead of libSQL and the disk.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig, type Plugin } from 'vitest/config';
import { sharedScenarios } from './scenarios';
import { startWebhookServer } from './webhook-server';

// Wrangler, which the pool uses to read wrangler.toml, must not phone home or look for a login.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.XDG_CONFIG_HOME ??= mkdtempSync(join(tmpdir(), 'portal-wrangler-'));

const root = fileURLToPath(new URL('../..', import.meta.url));
const edgeHarness = fileURLToPath(new URL('./harness.ts', import.meta.url));

// The scenario files shared with the Node project: those marked `// scenario: node and workerd`.
// Edge-only files end in .spec.ts, which the Node project (it takes *.test.ts) does not pick up.
export const SHARED_SCENARIOS = sharedScenarios(root);

/**
 * The shared scenarios import `../helpers/harness` (libSQL file, disk blobs). Here that import
 * resolves to test/edge/harness.ts (D1, R2, the Worker entry), so the scenario code is one.
 */
const edgeHarnessPlugin: Plugin = {
  name: 'portal-edge-harness',
  enforce: 'pre',
  resolveId(source, importer) {
    if (
      source === '../helpers/harness' &&
      importer &&
      !importer.startsWith(join(root, 'test/edge'))
    )
      return edgeHarness;
    return null;
  },
};

export default defineConfig(async () => {
  // Every migration in db/migrations, as wrangler applies them; new ones are picked up by themselves.
  const migrations = await readD1Migrations(join(root, 'db/migrations'));
  // The notice webhook the scheduled handler posts to (test/edge/scheduled.spec.ts).
  const hook = await startWebhookServer();
  return {
    root,
    plugins: [
      edgeHarnessPlugin,
      cloudflareTest({
        wrangler: { configPath: join(root, 'wrangler.toml') },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, TEST_HOOK_URL: hook },
          // Miniflare's own send_email binding, for the Cloudflare e-mail sender.
          email: { send_email: [{ name: 'TEST_MAIL' }] },
          // A database never migrated, for the entry's "apply the migrations" answer.
          d1Databases: ['EMPTY_DB'],
        },
      }),
    ],
    test: {
      name: 'edge',
      include: [...SHARED_SCENARIOS, 'test/edge/**/*.spec.ts'],
      // One D1 and one R2 for the project: files run one after another and each empties them first.
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
});
