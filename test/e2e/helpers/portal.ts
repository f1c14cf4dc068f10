// A real portal for browser tests: the Node entry on loopback, a fresh data directory and
// database, low proof-of-work difficulty, and the demo keys it writes on first start.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeServer } from '../../../src/entry/node';

export const DEMO_PASSPHRASE = 'demo-only-not-secret';
export type DemoKey =
  | 'basic-supervisor'
  | 'intermediate-supervisor'
  | 'provincial-supervisor'
  | 'admin'
  | 'auditor';

export interface Portal {
  base: string;
  dataDir: string;
  keyFile(name: DemoKey): string;
  /** Stops the server (the data directory stays until `dispose`). */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the portal; `env` adds or overrides settings (e.g. a smaller MAX_ATTACHMENT_MB). */
export async function startPortal(env: Record<string, string> = {}): Promise<Portal> {
  if (!existsSync(join('public', 'dist')))
    throw new Error('public/dist is missing: run `npm run build` before the browser tests');
  const dataDir = await mkdtemp(join(tmpdir(), 'portal-e2e-'));
  const port = await freePort();
  const server = await startNodeServer(
    {
      DATA_DIR: dataDir,
      DATABASE_URL: `file:${join(dataDir, 'portal.db')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      POW_SUBMIT_DIFFICULTY: '6',
      POW_LOOKUP_DIFFICULTY: '6',
      PORTAL_QUIET: '1',
      ...env,
    },
    () => undefined,
  );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    base: `http://127.0.0.1:${port}`,
    dataDir,
    keyFile: (name) => join(dataDir, 'demo', `${name}.private.asc`),
    stop,
    dispose: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
