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
    // The bytes `limitBody` read are decoded here, without a detour through a web Response.
    const held = c.req.bodyCache.arrayBuffer;
    raw = JSON.parse(held ? utf8.decode(await held) : await c.req.text());
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON.');
  }
  return parseWith(schema, raw, 'request body');
}

export function query<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query string');
}

const utf8 = new TextDecoder();

/** Seconds a client is asked to wait when the portal's memory for request bodies is taken. */
const BODY_RETRY_SECONDS = 5;

const tooLarge = (maxSize: number) =>
  new AppError('payload_too_large', `The request body is larger than ${maxSize} bytes.`);
const busy = () =>
  new BusyError(
    'The portal is busy receiving other submissions. Nothing was stored; try again in a few seconds.',
    BODY_RETRY_SECONDS,
  );

// The sender went away or was cut off mid-body: their doing, so never a 5xx.
const cutOff = () => new AppError('invalid_request', 'The request body did not arrive whole.');

/** Takes in a body's chunks as they arrive, refusing past `maxSize` and holding each one. */
class BodyTaker {
  private chunks: Uint8Array[] = [];
  private size = 0;
  constructor(
    private maxSize: number,
    private held: (n: number) => void,
  ) {}

  /** Throws 413 past the cap, or the memory guard's refusal. */
  take(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.size > this.maxSize) throw tooLarge(this.maxSize);
    this.held(chunk.length);
    this.chunks.push(chunk);
  }

  /** The body as one ArrayBuffer of its own (Node's small chunks share a larger one). */
  whole(): ArrayBuffer {
    const whole = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      whole.set(chunk, at);
      at += chunk.length;
    }
    return whole.buffer;
  }
}

/** The body through the web stream, as every runtime has it. */
async function readStream(body: ReadableStream<Uint8Array>, taker: BodyTaker) {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw cutOff();
      });
      if (done) break;
      taker.take(value);
    }
  } finally {
    reader.releaseLock();
  }
}

/** What `@hono/node-server` passes as the env: Node's own request, its body not yet read. */
interface NodeBody {
  readableDidRead: boolean;
  readableEnded: boolean;
  pause(): void;
  on(event: 'data', listener: (chunk: Uint8Array) => void): void;
  on(event: 'end' | 'close' | 'error', listener: () => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
}

function nodeBody(c: Context<AppEnv>): NodeBody | null {
  const incoming = (c.env as { incoming?: Partial<NodeBody> } | undefined)?.incoming;
  if (typeof incoming?.on !== 'function' || incoming.readableDidRead !== false) return null;
  return incoming as NodeBody;
}

/**
 * On Node, the body straight from the socket's request: the web stream Node would build for it,
 * and the Request around it, cost more than the rest of reading a report. An unread remainder
 * (after a refusal) is left paused for the server to drain after the answer.
 */
function readNode(incoming: NodeBody, taker: BodyTaker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = (err?: unknown) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('close', onClose);
      incoming.off('error', onClose);
      if (err === undefined) resolve();
      else {
        incoming.pause();
        reject(err);
      }
    };
    const onData = (chunk: Uint8Array) => {
      try {
        taker.take(chunk);
      } catch (err) {
        stop(err);
      }
    };
    const onEnd = () => stop();
    const onClose = () => stop(incoming.readableEnded ? undefined : cutOff());
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('close', onClose);
    incoming.on('error', onClose);
  });
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
    const incoming = nodeBody(c);
    const stream = incoming ? null : c.req.raw.body;
    if (!incoming && !stream) return next();
    const bodies = guards(c.get('ctx')).bodies;
    let held = 0;
    try {
      const taker = new BodyTaker(maxSize, (n) => {
        if (!bodies.take(n, held)) throw busy();
        held += n;
      });
      if (incoming) await readNode(incoming, taker);
      else if (stream) await readStream(stream, taker);
      // Hono's body methods (`arrayBuffer`, `json`, `parseBody`) answer from this from now on.
      // Hono types the cache by what its promises resolve to; at run time it holds the promises.
      c.req.bodyCache.arrayBuffer = Promise.resolve(taker.whole()) as unknown as ArrayBuffer;
      await next();
    } finally {
      bodies.give(held);
    }
  };
