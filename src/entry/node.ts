// Node entry (self-hosted): embedded libSQL file database (attachments inside it), pages from public/.
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { createApp } from '../app';
import { ConfigError, loadConfig } from '../config';
import { contextOf } from '../context';
import { logTallyDaily, RequestTally } from '../http/request-log';
import { PAGES } from '../http/static-files';
import type { AppEnv } from '../http/types';
import { JOBS } from '../jobs/list';
import { startScheduler } from '../jobs/scheduler';
import { mailerFor } from '../notify/node-mailer';
import { prepareServerSecret } from '../pow/service';
import { keepAtRest } from '../storage/at-rest';
import { DbBlobStore } from '../storage/db-blobs';
import { openLibsql } from '../storage/libsql';
import { startChecks } from './check-pool';
import { firstStart, StartupRefused } from './node-setup';
import { cutSlowSenders, timeoutOptions } from './slow-senders';

const PUBLIC_DIR = resolve(new URL('../../public/dist', import.meta.url).pathname);

/**
 * The built pages, with the build's brotli or gzip copy when the browser takes one (see
 * src/http/static-files.ts). Every file served says it varies by Accept-Encoding, the plain copy
 * too, so that no cache in between hands a compressed copy to a browser that cannot read it.
 */
export function nodeStaticFiles(root = PUBLIC_DIR): MiddlewareHandler<AppEnv> {
  const files = serveStatic({
    root,
    rewriteRequestPath: (path) => PAGES[path] ?? path,
    precompressed: true,
  });
  return async (c, next) => {
    const res = await files(c, next);
    if (res && !res.headers.get('vary')?.includes('Accept-Encoding'))
      res.headers.append('Vary', 'Accept-Encoding');
    return res;
  };
}

export async function startNodeServer(env: Record<string, string | undefined>, log = console.log) {
  const config = loadConfig(env);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const storage = await openLibsql(config.databaseUrl, config.databaseAuthToken);
  const { db, close } = storage;
  const compact = await keepAtRest(db, config, log);
  const ctx = contextOf(storage, {
    blobs: new DbBlobStore(db),
    config,
    now: () => new Date(),
  });
  await firstStart(ctx, config.dataDir, log);
  // Once the portal is sure to serve: the checks on what clients send get threads of their own.
  const checks = await startChecks(config.checkThreads, log);
  if (checks) {
    ctx.checks = checks;
    log(`Checks of what clients send run on ${checks.size} thread(s) beside this one.`);
  }
  const quiet = env.PORTAL_QUIET === '1';
  const tally = new RequestTally();
  const stopTally = quiet ? () => undefined : logTallyDaily(tally, log);
  await prepareServerSecret(ctx);
  const stopJobs = startScheduler(
    { ctx, mailer: mailerFor(config), log, ...(compact ? { compact } : {}) },
    JOBS,
  );
  const app = createApp(() => ctx, {
    staticFiles: nodeStaticFiles(),
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
  // Resolved once the port accepts connections: the scheduler's first run may keep the thread
  // busy for a moment, and a caller must not be told the portal is up before it is.
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  log(
    `Portal listening on http://${config.host}:${config.port}${config.production ? '' : ' (development)'}`,
  );
  const stop = () =>
    new Promise<void>((resolve) =>
      server.close(async () => {
        stopJobs();
        stopTally();
        close();
        await checks?.close();
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
