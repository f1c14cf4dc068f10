// Files in chunks: POST /api/uploads announces a file (or finds the one under way, to resume),
// POST /api/uploads/{id}/chunks/{n} sends chunk n. Authorised by the receipt's lookup token, like
// every reporter request after the paid first one; the day's quota is taken when a file is
// announced, so chunks need no proof of work each (one per chunk would make 2 GB impractical).
import { Hono } from 'hono';
import { z } from 'zod';
import { type Limits, uploadStateSchema } from '../contract/uploads';
import { CHUNK_BYTES, CHUNK_OVERHEAD } from '../crypto';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, parseWith } from '../http/validate';
import { requirePow } from '../pow/middleware';
import { tokenFrom, uploadedBytes } from '../receipts/routes';
import { entityId } from '../reports/schemas';
import { draftToResume, putChunk, startUpload } from './service';

export const startUploadBody = z.strictObject({
  messageId: entityId,
  index: z.number().int().min(0).max(1000),
  total: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 32),
  chunks: z.number().int().min(1).max(100_000),
  tag: entityId,
});
const chunkParams = z.strictObject({
  id: entityId,
  n: z.coerce.number().int().min(0).max(100_000),
});

/** Largest chunk body: a chunk's plaintext and its OpenPGP framing. */
export const MAX_CHUNK_BODY = CHUNK_BYTES + CHUNK_OVERHEAD;

export const uploadRoutes = new Hono<AppEnv>()
  .post('/api/uploads', limitBody(1024), async (c) => {
    const token = tokenFrom(c);
    const body = await jsonBody(c, startUploadBody);
    return c.json(uploadStateSchema.parse(await startUpload(c.get('ctx'), token, body)), 201);
  })
  .post('/api/uploads/:id/chunks/:n', limitBody(MAX_CHUNK_BODY), async (c) => {
    const token = tokenFrom(c);
    const { id, n } = parseWith(chunkParams, c.req.param(), 'path');
    const answer = await putChunk(c.get('ctx'), token, id, n, () => uploadedBytes(c));
    return c.json(uploadStateSchema.parse(answer), 201);
  })
  // Paid like a look-up: it answers whether a receipt has an unfinished report.
  .get('/api/reports/draft', requirePow('lookup'), async (c) => {
    return c.json(await draftToResume(c.get('ctx'), tokenFrom(c)));
  })
  .get('/api/limits', (c) => {
    const l = c.get('ctx').config.limits;
    return c.json({
      attachmentBytes: l.attachmentBytes,
      attachmentsPerMessage: l.attachmentsPerMessage,
      uploadStallSeconds: l.uploadStallSeconds,
      uploadAnswerSeconds: l.uploadAnswerSeconds,
    } satisfies Limits);
  });
