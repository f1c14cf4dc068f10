// Cloudflare Workers entry: the same app over a D1 (or remote libSQL/Turso) database and an R2
// bucket. Bindings are checked with zod once per isolate; a bad setup gets a clear 503 page.
import type { MiddlewareHandler } from 'hono';
import { createApp } from '../app';
import { type Ctx, contextOf } from '../context';
import { hasDemoUnits } from '../demo/seed';
import {
  acceptedEncodings,
  COMPRESSIBLE_TYPE,
  PAGES,
  PRECOMPRESSED,
  SUFFIX,
} from '../http/static-files';
import type { AppEnv } from '../http/types';
import { JOBS } from '../jobs/list';
import { runJobs } from '../jobs/scheduler';
import { newId } from '../lib/ids';
import {
  cloudflareMailer,
  type EmailMessageClass,
  type Mailer,
  type SendEmailBinding,
  webhookMailer,
} from '../notify/mailer';
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

type Assets = { fetch: (request: Request) => Promise<Response> };

/**
 * The build's brotli or gzip copy of a file the assets binding just served, if the browser takes
 * one. `encodeBody: 'manual'` hands the bytes over as they are: without it the runtime would
 * compress them a second time (see src/http/static-files.ts for what may be compressed).
 */
async function compressedCopy(assets: Assets, req: Request, plain: Response) {
  const path = PAGES[new URL(req.url).pathname] ?? new URL(req.url).pathname;
  const type = plain.headers.get('content-type') ?? '';
  if (plain.status !== 200 || !PRECOMPRESSED.test(path) || !COMPRESSIBLE_TYPE.test(type))
    return null;
  for (const encoding of acceptedEncodings(req.headers.get('accept-encoding'))) {
    const copy = await assets.fetch(
      new Request(new URL(`${path}${SUFFIX[encoding]}`, req.url), { method: req.method }),
    );
    if (copy.status !== 200) continue;
    const headers = new Headers(copy.headers);
    headers.set('Content-Type', type);
    headers.set('Content-Encoding', encoding);
    headers.set('Vary', 'Accept-Encoding');
    await plain.body?.cancel();
    return new Response(copy.body, { status: 200, headers, encodeBody: 'manual' } as ResponseInit);
  }
  return null;
}

/** Pages and bundles from the assets binding, run through the app so they get its headers (CSP). */
const staticAssets: MiddlewareHandler<AppEnv> = async (c, next) => {
  const assets = (c.env as Bindings | undefined)?.ASSETS as Assets | undefined;
  const { method, path } = c.req;
  if (!assets || (method !== 'GET' && method !== 'HEAD') || path.startsWith('/api/')) {
    return next();
  }
  const res = await assets.fetch(c.req.raw);
  if (res.status === 404) return next();
  const compressed = await compressedCopy(assets, c.req.raw, res);
  if (compressed) return compressed;
  // A fetched response's headers are immutable; copy it so the security headers can be set.
  const plain = new Response(res.body, res);
  plain.headers.append('Vary', 'Accept-Encoding');
  return plain;
};

type WaitUntil = { waitUntil?: (p: Promise<unknown>) => void } | undefined;

/**
 * Notices at the edge: Cloudflare's e-mail binding (MAIL, a send_email binding) when bound, else
 * the webhook of NOTIFY_WEBHOOK_URL, else none (they wait in the outbox).
 */
async function workerMailer(env: Bindings, ctx: Ctx): Promise<Mailer | undefined> {
  const binding = env.MAIL as SendEmailBinding | undefined;
  if (binding && typeof binding.send === 'function') {
    const { EmailMessage } = (await import('cloudflare:email')) as {
      EmailMessage: EmailMessageClass;
    };
    return cloudflareMailer(binding, EmailMessage, ctx.config.notify.from, newId);
  }
  const hook = ctx.config.notify.webhook;
  return hook ? webhookMailer(hook.url, hook.token) : undefined;
}

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
    /** The Cron Trigger (wrangler.toml [triggers]): the one scheduler's jobs, once per slot. */
    async scheduled(_controller: unknown, env: Bindings, executionCtx: WaitUntil): Promise<void> {
      const ctx = await contextFor(env);
      const run = runJobs({ ctx, mailer: await workerMailer(env, ctx), log: console.log }, JOBS);
      executionCtx?.waitUntil?.(run);
      await run;
    },
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
