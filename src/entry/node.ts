// Node entry (self-hosted): embedded libSQL file database (attachments inside it), pages from public/.
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { createApp } from '../app';
import { ConfigError, loadConfig } from '../config';
import { contextOf } from '../context';
import { logTallyDaily, RequestTally } from '../http/request-log';
import { prepareServerSecret } from '../pow/service';
import { keepAtRest } from '../storage/at-rest';
import { DbBlobStore } from '../storage/db-blobs';
import { openLibsql } from '../storage/libsql';
import { firstStart, StartupRefused } from './node-setup';
import { cutSlowSenders, timeoutOptions } from './slow-senders';

const PUBLIC_DIR = resolve(new URL('../../public/dist', import.meta.url).pathname);
const PAGES: Record<string, string> = {
  '/': '/index.html',
  '/report': '/report.html',
  '/follow-up': '/follow-up.html',
  '/supervisor': '/supervisor.html',
  '/enrol': '/enrol.html',
  '/stats': '/stats.html',
};

export async function startNodeServer(env: Record<string, string | undefined>, log = console.log) {
  const config = loadConfig(env);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const storage = await openLibsql(config.databaseUrl, config.databaseAuthToken);
  const { db, close } = storage;
  const stopCompaction = await keepAtRest(db, config, log);
  const ctx = contextOf(storage, {
    blobs: new DbBlobStore(db),
    config,
    now: () => new Date(),
  });
  await firstStart(ctx, config.dataDir, log);
  const quiet = env.PORTAL_QUIET === '1';
  const tally = new RequestTally();
  const stopTally = quiet ? () => undefined : logTallyDaily(tally, log);
  await prepareServerSecret(ctx);
  const app = createApp(() => ctx, {
    staticFiles: serveStatic({
      root: PUBLIC_DIR,
      rewriteRequestPath: (path) => PAGES[path] ?? path,
    }),
    log: quiet ? undefined : log,
    tally,
  });
  const server = serve({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    serverOptions: timeoutOptions(config.abuse),
  }) as Server;
  cutSlowSenders(server, config.abuse);
  log(
    `Portal listening on http://${config.host}:${config.port}${config.production ? '' : ' (development)'}`,
  );
  const stop = () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        stopCompaction();
        stopTally();
        close();
        resolve();
      }),
    );
  return { server, close: stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startNodeServer(process.env).catch((err) => {
    if (err instanceof ConfigError || err instanceof StartupRefused) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
