// The reporter's follow-up API, authorised by the lookup token derived from the receipt. The
// cheapest checks come first: the proof of work or the token, then the day's quota, and only then
// is a body read. Files come only through /api/uploads, for a message still pending: no route adds
// a file to a message that supervisors may already see.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { CHUNK_BYTES, CHUNK_OVERHEAD } from '../crypto/chunks';
import { fromBase64Url } from '../crypto/encoding';
import { bucketSize } from '../crypto/padding';
import { shareCase, shareOffer } from '../grants/share';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith } from '../http/validate';
import { AppError, BusyError } from '../lib/errors';
import { limits } from '../lib/guards';
import { requirePow } from '../pow/middleware';
import { unfinishedReport } from '../reports/drafts';
import { lookupToken, MAX_FOLLOWUP_MESSAGE } from '../reports/schemas';
import { missingReceipt, reportByToken, unknownReceipt } from './access';
import { type FollowUp, requireQuota } from './quotas';
import {
  addMessageBody,
  attachmentParams,
  flagRetaliationBody,
  LOOKUP_TOKEN_HEADER,
  shareBody,
} from './schemas';
import {
  addMessage,
  addPendingMessage,
  flagRetaliation,
  pendingMessagesOf,
  readAttachment,
} from './service';
import { noteLookup, reporterViewJson } from './view';

export function tokenFrom(c: Context<AppEnv>): string {
  const parsed = lookupToken.safeParse(c.req.header(LOOKUP_TOKEN_HEADER) ?? '');
  // A malformed token is answered like an unknown one: nothing to learn from the difference.
  if (!parsed.success) throw unknownReceipt();
  return parsed.data;
}

/** The declared body size, or 0 when none is declared (the body cap still holds). */
export const declaredBytes = (c: Context<AppEnv>) => {
  const n = Number(c.req.header('content-length'));
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
};

/** Finds the report and checks today's quota before any body is read. */
const followUp =
  (kind: FollowUp | null): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const ctx = c.get('ctx');
    const report = await reportByToken(ctx, tokenFrom(c));
    if (kind) await requireQuota(ctx, report.id, kind, declaredBytes(c));
    c.set('report', report);
    await next();
  };

/**
 * Largest file accepted in one request: the padded bucket of the biggest file plus OpenPGP
 * overhead, and never more than one chunk (src/uploads): larger files come in chunks, so no
 * request body holds a large file whole.
 */
export const uploadLimit = (c: Context<AppEnv>) =>
  Math.min(
    bucketSize(c.get('ctx').config.limits.attachmentBytes + 4096) + 64 * 1024,
    CHUNK_BYTES + CHUNK_OVERHEAD,
  );

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
  .get('/api/receipt', requirePow('lookup'), async (c) => {
    const ctx = c.get('ctx');
    // A global cap on paid look-ups: under a flood they wait their turn while everything else
    // keeps working. Taken after the work is checked, so free requests cannot use it up.
    const slot = await limits(ctx).takeLookup(ctx.now().getTime());
    if (!slot.ok) {
      throw new BusyError(
        'The portal is busy. Nothing was looked up; try again in a few seconds.',
        slot.retryAfter,
      );
    }
    const token = tokenFrom(c);
    const view = await reporterViewJson(ctx, token);
    if (view === null)
      throw (await unfinishedReport(ctx, token)) ?? (await missingReceipt(ctx, token));
    await noteLookup(ctx, token, view);
    return c.body(view, 200, { 'content-type': 'application/json' });
  })
  .post(
    '/api/receipt/messages',
    followUp('message'),
    limitBody(MAX_FOLLOWUP_MESSAGE + 1024),
    async (c) => {
      const body = await jsonBody(c, addMessageBody);
      const ctx = c.get('ctx');
      await requireQuota(ctx, c.get('report').id, 'message', body.message.length);
      if (body.files > 0)
        return c.json(
          await addPendingMessage(ctx, c.get('report'), 'message', body.message, body.files),
          201,
        );
      return c.json(await addMessage(ctx, c.get('report'), body.message), 201);
    },
  )
  .post(
    '/api/receipt/retaliation',
    followUp('flag'),
    limitBody(MAX_FOLLOWUP_MESSAGE + 1024),
    async (c) => {
      const body = await jsonBody(c, flagRetaliationBody);
      const ctx = c.get('ctx');
      await requireQuota(ctx, c.get('report').id, 'flag', body.details.length);
      if (body.files > 0)
        return c.json(
          await addPendingMessage(ctx, c.get('report'), 'retaliation', body.details, body.files),
          201,
        );
      return c.json(await flagRetaliation(ctx, c.get('report'), body.details), 201);
    },
  )
  .get('/api/receipt/pending', followUp(null), async (c) => {
    return c.json(await pendingMessagesOf(c.get('ctx'), c.get('report')));
  })
  .get('/api/receipt/share', followUp(null), async (c) => {
    return c.json(await shareOffer(c.get('ctx'), c.get('report')));
  })
  .post('/api/receipt/share', followUp(null), limitBody(16 * 1024 * 1024), async (c) => {
    const body = await jsonBody(c, shareBody);
    const grants = body.grants.map((g) => ({
      granteeId: g.granteeId,
      items: g.items.map((i) => ({ kind: i.kind, id: i.id, packet: fromBase64Url(i.packet) })),
    }));
    return c.json(await shareCase(c.get('ctx'), c.get('report'), body.unitId, grants), 201);
  })
  .get('/api/receipt/attachments/:id', followUp(null), async (c) => {
    const { id } = parseWith(attachmentParams, c.req.param(), 'path');
    const stream = await readAttachment(c.get('ctx'), c.get('report').id, id);
    return c.body(stream, 200, {
      'content-type': 'application/octet-stream',
    });
  });
