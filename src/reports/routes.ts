// POST /api/reports: a new report, from ciphertext only, paid for with a proof of work in the
// headers that is checked and spent before the body is read; POST /api/reports/files: its files,
// one by one, before it reaches anyone. Both answer a repeat with the first answer.
import { Hono } from 'hono';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody, query } from '../http/validate';
import { requirePow } from '../pow/middleware';
import { tokenFrom, uploadedBytes, uploadLimit } from '../receipts/routes';
import { beginDraftFile, storeDraftFile } from './drafts';
import {
  createReportBody,
  createReportResponse,
  draftFileQuery,
  MAX_ARMORED_KEY,
  MAX_REPORT_MESSAGE,
} from './schemas';
import { createReport } from './service';

export const reportRoutes = new Hono<AppEnv>()
  .post(
    '/api/reports',
    requirePow('submit'),
    limitBody(MAX_REPORT_MESSAGE + 2 * MAX_ARMORED_KEY + 4096),
    async (c) => {
      const body = await jsonBody(c, createReportBody);
      const created = await createReport(c.get('ctx'), body);
      return c.json(createReportResponse.parse(created), 201);
    },
  )
  .post('/api/reports/files', async (c) => {
    const ctx = c.get('ctx');
    const { index } = query(c, draftFileQuery);
    // The token, the order of files and the receipt's quota come before any byte of the body
    // is read (limitBody reads it whole), so a stranger or a repeat costs no upload.
    const upload = await beginDraftFile(ctx, tokenFrom(c), index);
    let answer = upload.answered;
    if (!upload.answered) {
      const open = upload;
      await limitBody(uploadLimit(c))(c, async () => {
        answer = await storeDraftFile(ctx, open, await uploadedBytes(c));
      });
    }
    return c.json(createReportResponse.parse(answer), 201);
  });
