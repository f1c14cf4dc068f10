// The reporter's follow-up API, authorised by the lookup token derived from the receipt.
import { type Context, Hono } from 'hono';
import { bucketSize } from '../crypto/padding';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith, query } from '../http/validate';
import { AppError, BusyError } from '../lib/errors';
import { guards } from '../lib/guards';
import { checkSolution, spendInMemory } from '../pow/service';
import { lookupToken, MAX_FOLLOWUP_MESSAGE } from '../reports/schemas';
import { reportByToken, unknownReceipt } from './access';
import {
  addMessageBody,
  attachmentParams,
  attachmentQuery,
  flagRetaliationBody,
  LOOKUP_TOKEN_HEADER,
  POW_CHALLENGE_HEADER,
  POW_NONCE_HEADER,
} from './schemas';
import { addAttachment, addMessage, flagRetaliation, readAttachment } from './service';
import { noteLookup, reporterViewJson } from './view';

export function tokenFrom(c: Context<AppEnv>): string {
  const parsed = lookupToken.safeParse(c.req.header(LOOKUP_TOKEN_HEADER) ?? '');
  // A malformed token is answered like an unknown one: nothing to learn from the difference.
  if (!parsed.success) throw unknownReceipt();
  return parsed.data;
}

const reporter = (c: Context<AppEnv>) => reportByToken(c.get('ctx'), tokenFrom(c));

/** Largest accepted upload: the padded bucket of the biggest file plus OpenPGP overhead. */
export const uploadLimit = (c: Context<AppEnv>) =>
  bucketSize(c.get('ctx').config.limits.attachmentBytes + 4096) + 64 * 1024;

/** The body of an encrypted file upload, refusing other media types and empty bodies. */
export async function uploadedBytes(c: Context<AppEnv>): Promise<Uint8Array> {
  if ((c.req.header('content-type') ?? '') !== 'application/octet-stream') {
    throw new AppError(
      'unsupported_media_type',
      'Upload the encrypted file as application/octet-stream.',
    );
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) throw new AppError('invalid_request', 'The upload is empty.');
  return bytes;
}

export const receiptRoutes = new Hono<AppEnv>()
  .get('/api/receipt', async (c) => {
    const ctx = c.get('ctx');
    // A global cap: under a flood, look-ups wait their turn while everything else keeps working.
    const slot = guards(ctx).lookups.take(ctx.now().getTime());
    if (!slot.ok) {
      throw new BusyError(
        'The portal is busy. Nothing was looked up; try again in a few seconds.',
        slot.retryAfter,
      );
    }
    const challenge = c.req.header(POW_CHALLENGE_HEADER);
    const nonce = c.req.header(POW_NONCE_HEADER);
    if (!challenge || !nonce || challenge.length > 512 || nonce.length > 64) {
      throw new AppError(
        'pow_invalid',
        'Solve a proof-of-work challenge (purpose "lookup") first.',
      );
    }
    const spend = await checkSolution(ctx, 'lookup', challenge, nonce);
    spendInMemory(ctx, spend);
    const token = tokenFrom(c);
    const view = await reporterViewJson(ctx, token);
    if (view === null) throw unknownReceipt();
    await noteLookup(ctx, token, view);
    return c.body(view, 200, { 'content-type': 'application/json' });
  })
  .post('/api/receipt/messages', limitBody(MAX_FOLLOWUP_MESSAGE + 1024), async (c) => {
    const body = await jsonBody(c, addMessageBody);
    return c.json(await addMessage(c.get('ctx'), await reporter(c), body.message), 201);
  })
  .post('/api/receipt/retaliation', limitBody(MAX_FOLLOWUP_MESSAGE + 1024), async (c) => {
    const body = await jsonBody(c, flagRetaliationBody);
    return c.json(await flagRetaliation(c.get('ctx'), await reporter(c), body.details), 201);
  })
  .post(
    '/api/receipt/attachments',
    (c, next) => limitBody(uploadLimit(c))(c, next),
    async (c) => {
      const { message } = query(c, attachmentQuery);
      const report = await reporter(c);
      const bytes = await uploadedBytes(c);
      return c.json(await addAttachment(c.get('ctx'), report, message, bytes), 201);
    },
  )
  .get('/api/receipt/attachments/:id', async (c) => {
    const { id } = parseWith(attachmentParams, c.req.param(), 'path');
    const report = await reporter(c);
    const bytes = await readAttachment(c.get('ctx'), report.id, id);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
    });
  });
