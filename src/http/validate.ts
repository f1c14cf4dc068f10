// Request validation at the boundary: strict zod schemas, size caps, clear 4xx errors that list
// which fields are wrong (paths and reasons only, never the values sent).
import type { Context, MiddlewareHandler } from 'hono';
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

const tooLarge = (maxSize: number) =>
  new AppError('payload_too_large', `The request body is larger than ${maxSize} bytes.`);
const busy = () =>
  new BusyError(
    'The portal is busy receiving other submissions. Nothing was stored; try again in a few seconds.',
    BODY_RETRY_SECONDS,
  );

/**
 * Reads the whole body, refusing one larger than `maxSize` (413), and holds the bytes received
 * against the portal's memory for request bodies; beyond it, 429 with Retry-After rather than a
 * server out of memory. Bytes count as they arrive, so announcing a large body and sending it
 * slowly holds nothing (the Node entry also cuts off slow senders; see src/entry/slow-senders.ts).
 */
async function readBody(
  body: ReadableStream<Uint8Array>,
  maxSize: number,
  held: (n: number) => void,
) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        // The sender went away or was cut off mid-body: their doing, so never a 5xx.
        throw new AppError('invalid_request', 'The request body did not arrive whole.');
      });
      if (done) break;
      size += value.length;
      if (size > maxSize) throw tooLarge(maxSize);
      held(value.length);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}

/**
 * Caps a route's body (larger ones get 413 and change nothing, refused before a byte is read when
 * the size is announced) and reads it whole before the handler runs, holding its bytes against
 * the portal's memory for request bodies until the request is done.
 */
export const limitBody =
  (maxSize: number): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const announced = Number(c.req.header('content-length') ?? Number.NaN);
    if (Number.isSafeInteger(announced) && announced > maxSize) throw tooLarge(maxSize);
    const raw = c.req.raw.body;
    if (!raw) return next();
    const bodies = guards(c.get('ctx')).bodies;
    let held = 0;
    try {
      const bytes = await readBody(raw, maxSize, (n) => {
        if (!bodies.take(n, held)) throw busy();
        held += n;
      });
      c.req.raw = new Request(c.req.raw, { body: bytes });
      await next();
    } finally {
      bodies.give(held);
    }
  };
