// The Workers entry's bindings and vars, parsed with zod: which database (a D1 binding or a remote
// libSQL/Turso URL), the R2 bucket, and the portal's ordinary string settings for loadConfig.
import { z } from 'zod';
import { type Config, ConfigError, loadConfig } from '../config';
import type { D1Binding } from '../storage/d1';
import type { R2BucketLike } from '../storage/r2-blobs';
import type { LimitsNamespace } from './limits-object';

const hasMethods = (value: unknown, names: string[]) =>
  typeof value === 'object' &&
  value !== null &&
  names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function');

const d1 = z.custom<D1Binding>((v) => hasMethods(v, ['prepare', 'batch']), {
  message: 'is not a D1 database binding (wrangler.toml [[d1_databases]] binding = "DB")',
});
const r2 = z.custom<R2BucketLike>((v) => hasMethods(v, ['get', 'put', 'delete']), {
  message:
    'is missing or not an R2 bucket binding (wrangler.toml [[r2_buckets]] binding = "BLOBS")',
});
const assets = z.custom<{ fetch: (request: Request) => Promise<Response> }>(
  (v) => hasMethods(v, ['fetch']),
  { message: 'is not a static-assets binding (wrangler.toml [assets] binding = "ASSETS")' },
);

const durableObject = z.custom<LimitsNamespace>((v) => hasMethods(v, ['idFromName', 'get']), {
  message:
    'is not a Durable Object namespace binding (wrangler.toml [[durable_objects.bindings]] name = "LIMITS", class_name = "PortalLimits")',
});

const bindingsSchema = z
  .object({
    /** `d1` (default) uses the DB binding; `libsql` a remote libSQL/Turso database over HTTP. */
    DATABASE_DRIVER: z.enum(['d1', 'libsql']).default('d1'),
    DB: d1.optional(),
    DATABASE_URL: z
      .string()
      .regex(/^(libsql|https?):\/\//, 'must be a libsql:// or https:// URL')
      .optional(),
    DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
    BLOBS: r2,
    ASSETS: assets.optional(),
    /** The shared limits; without it each isolate limits only itself (refused in production). */
    LIMITS: durableObject.optional(),
    PORTAL_ENV: z.string().optional(),
  })
  .superRefine((env, issues) => {
    if (env.DATABASE_DRIVER === 'd1' && !env.DB) {
      issues.addIssue({
        code: 'custom',
        path: ['DB'],
        message: 'is missing: bind a D1 database as DB, or set DATABASE_DRIVER = "libsql"',
      });
    }
    if (env.PORTAL_ENV === 'production' && !env.LIMITS) {
      issues.addIssue({
        code: 'custom',
        path: ['LIMITS'],
        message:
          'is required in production: without the Durable Object, the look-up cap and the load meters would hold per isolate only',
      });
    }
    if (env.DATABASE_DRIVER === 'libsql' && !env.DATABASE_URL) {
      issues.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required when DATABASE_DRIVER = "libsql" (set it as a secret)',
      });
    }
  });

export type WorkerDatabase =
  | { driver: 'd1'; binding: D1Binding }
  | { driver: 'libsql'; url: string; authToken: string | undefined };

export interface WorkerEnv {
  database: WorkerDatabase;
  blobs: R2BucketLike;
  assets: { fetch: (request: Request) => Promise<Response> } | undefined;
  limits: LimitsNamespace | undefined;
  config: Config;
}

/** Parses the Worker's `env`; throws ConfigError with one line per problem, never a value. */
export function parseWorkerEnv(env: Record<string, unknown>): WorkerEnv {
  const parsed = bindingsSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const b = parsed.data;
  // Vars and secrets are strings; bindings are objects and are left out of the portal config.
  const strings = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  // The Node defaults (a local file and folder) mean nothing here: storage comes from the bindings.
  const config = loadConfig({
    ...strings,
    DATABASE_URL: b.DATABASE_URL ?? 'd1:DB',
    DATA_DIR: 'r2:BLOBS',
  });
  const database: WorkerDatabase =
    b.DATABASE_DRIVER === 'd1'
      ? { driver: 'd1', binding: b.DB! }
      : { driver: 'libsql', url: b.DATABASE_URL!, authToken: b.DATABASE_AUTH_TOKEN };
  return { database, blobs: b.BLOBS, assets: b.ASSETS, limits: b.LIMITS, config };
}
