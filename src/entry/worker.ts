// Cloudflare Workers entry: the same app over a D1 (or remote libSQL/Turso) database and an R2
// bucket. Bindings are checked with zod once per isolate; a bad setup gets a clear 503 page.
import type { MiddlewareHandler } from 'hono';
import { createApp } from '../app';
import { type Ctx, contextOf } from '../context';
import { hasDemoUnits } from '../demo/seed';
import type { AppEnv } from '../http/types';
import { prepareServerSecret } from '../pow/service';
import { openD1 } from '../storage/d1';
import { R2BlobStore } from '../storage/r2-blobs';
import { openTurso } from '../storage/turso';
import { DurableLimits } from './limits-object';
import { parseWorkerEnv } from './worker-env';
import { setupErrorResponse, WorkerSetupError } from './worker-error-page';

type Bindings = Record<string, unknown>;

async function prepare(env: Bindings, now: () => Date): Promise<Ctx> {
  const w = parseWorkerEnv(env);
  const storage =
    w.database.driver === 'd1'
      ? openD1(w.database.binding)
      : openTurso(w.database.url, w.database.authToken);
  const ctx = contextOf(storage, {
    blobs: new R2BlobStore(w.blobs),
    config: w.config,
    now,
    ...(w.limits ? { limits: new DurableLimits(w.limits, w.config.abuse.lookupsPerSecond) } : {}),
  });
  let demo: boolean;
  try {
    demo = await hasDemoUnits(ctx);
  } catch (err) {
    if (!/no such table/i.test(String((err as { cause?: unknown }).cause ?? err))) throw err;
    throw new WorkerSetupError(
      'The database has no tables yet. Apply the migrations first:\n' +
        '  npx wrangler d1 migrations apply DB --local   (or --remote for the deployed database)',
    );
  }
  // Same rule as the Node entry: demo keys are public, so a production portal refuses them.
  if (w.config.production && demo) {
    throw new WorkerSetupError(
      'This database holds DEMO units and keys, which are refused in production. Start from an empty database.',
    );
  }
  await prepareServerSecret(ctx);
  return ctx;
}

/** Pages and bundles from the assets binding, run through the app so they get its headers (CSP). */
const staticAssets: MiddlewareHandler<AppEnv> = async (c, next) => {
  const assets = (c.env as Bindings | undefined)?.ASSETS as
    | { fetch: (request: Request) => Promise<Response> }
    | undefined;
  const { method, path } = c.req;
  if (!assets || (method !== 'GET' && method !== 'HEAD') || path.startsWith('/api/')) {
    return next();
  }
  const res = await assets.fetch(c.req.raw);
  if (res.status === 404) return next();
  // A fetched response's headers are immutable; copy it so the security headers can be set.
  return new Response(res.body, res);
};

export interface WorkerOptions {
  /** The clock; tests move it forward. */
  now?: () => Date;
}

/** The Worker's handler; `export default` below is the one deployed. */
export function createWorker(options: WorkerOptions = {}) {
  const now = options.now ?? (() => new Date());
  // One context per isolate and env; a failed setup is not kept, so a fix applies on the next request.
  let cached: { env: Bindings; ready: Promise<Ctx> } | undefined;
  const contextFor = (env: Bindings): Promise<Ctx> => {
    if (cached?.env === env) return cached.ready;
    const entry = { env, ready: prepare(env, now) };
    cached = entry;
    entry.ready.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entry.ready;
  };
  const app = createApp((env) => contextFor(env), { staticFiles: staticAssets });
  return {
    async fetch(request: Request, env: Bindings, executionCtx: unknown): Promise<Response> {
      try {
        await contextFor(env);
      } catch (err) {
        return setupErrorResponse(request, err);
      }
      return app.fetch(request, env, executionCtx as never);
    },
  };
}

export default createWorker();

/** The Durable Object that holds the shared limits; wrangler.toml binds it as LIMITS. */
export { PortalLimits } from './limits-object';
