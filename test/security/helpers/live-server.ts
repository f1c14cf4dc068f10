// A real Node portal on loopback for attacks that need sockets: the Node entry with a fresh data
// folder and the demo keys it writes on first start; stops by itself when the test file ends.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fetcher } from '../../../src/client/api';
import { unlockPrivateKey } from '../../../src/crypto';
import { DEMO_PASSPHRASE } from '../../../src/demo/seed';
import { startNodeServer } from '../../../src/entry/node';

export interface LiveServer {
  port: number;
  base: string;
  fetcher: Fetcher;
  demoKey: (name: string) => ReturnType<typeof unlockPrivateKey>;
  stop: () => Promise<void>;
}

/** A free loopback port: the development origin (http://HOST:PORT) must name the real one. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const dir = await mkdtemp(join(tmpdir(), 'portal-live-'));
  const port = await freePort();
  const server = await startNodeServer(
    {
      DATA_DIR: dir,
      DATABASE_URL: `file:${join(dir, 'portal.db')}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      POW_SUBMIT_DIFFICULTY: '4',
      POW_LOOKUP_DIFFICULTY: '4',
      PORTAL_QUIET: '1',
      ...env,
    },
    () => undefined,
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    base,
    fetcher: (path, init) => fetch(`${base}${path}`, init),
    demoKey: async (name) =>
      unlockPrivateKey(
        await readFile(join(dir, 'demo', `${name}.private.asc`), 'utf8'),
        DEMO_PASSPHRASE,
      ),
    stop: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
