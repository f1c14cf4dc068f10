// Request validation at the boundary: strict zod schemas, size caps, clear 4xx errors that list
// which fields are wrong (paths and reasons only, never the values sent).
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { AppError } from '../lib/errors';
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

/** Caps a route's body size before it is read; larger bodies get 413 and change nothing. */
export const limitBody = (maxSize: number): MiddlewareHandler<AppEnv> =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('payload_too_large', `The request body is larger than ${maxSize} bytes.`);
    },
  });
