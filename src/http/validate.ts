// Request validation at the boundary: strict zod schemas, size caps, clear 4xx errors that list
// which fields are wrong (paths and reasons only, never the values sent).
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { AppError, BusyError } from '../lib/errors';
import { guards } from '../lib/guards';
import type { AppEnv } from './types';

function issues(error: z.ZodError) {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AppError('invalid_request', `The ${what} is not valid.`, issues(parsed.error));
  return parsed.data;
}

export async function jsonBody<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON.');
  }
  return parseWith(schema, raw, 'request body');
}

export function query<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query string');
}

/** Seconds a client is asked to wait when the portal's memory for request bodies is taken. */
const BODY_RETRY_SECONDS = 5;

/**
 * Caps a route's body size before it is read (larger bodies get 413 and change nothing), and
 * holds the body's size, as declared or else the cap, against the portal's memory for request
 * bodies until the request is done: beyond it the answer is 429 with Retry-After, before a byte
 * is read, rather than a server out of memory.
 */
export const limitBody = (maxSize: number): MiddlewareHandler<AppEnv> => {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('payload_too_large', `The request body is larger than ${maxSize} bytes.`);
    },
  });
  return async (c, next) => {
    const declared = Number(c.req.header('content-length') ?? Number.NaN);
    const bytes =
      Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, maxSize) : maxSize;
    const bodies = guards(c.get('ctx')).bodies;
    if (!bodies.take(bytes)) {
      throw new BusyError(
        'The portal is busy receiving other submissions. Nothing was stored; try again in a few seconds.',
        BODY_RETRY_SECONDS,
      );
    }
    try {
      await limit(c, next);
    } finally {
      bodies.give(bytes);
    }
  };
};
