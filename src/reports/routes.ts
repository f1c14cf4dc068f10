// POST /api/reports: a new report, from ciphertext only, paid for with a proof of work in the
// headers that is checked and spent before the body is read. A repeat gets the first answer. Its
// files follow through /api/uploads (src/uploads) while it is a draft, which nobody sees yet.
import { Hono } from 'hono';
import type { AppEnv } from '../http/types';
import { jsonBody, limitBody } from '../http/validate';
import { heldSpend, requirePow } from '../pow/middleware';
import {
  createReportBody,
  createReportResponse,
  MAX_ARMORED_KEY,
  MAX_REPORT_MESSAGE,
} from './schemas';
import { createReport } from './service';

export const reportRoutes = new Hono<AppEnv>().post(
  '/api/reports',
  requirePow('submit'),
  limitBody(MAX_REPORT_MESSAGE + 2 * MAX_ARMORED_KEY + 4096),
  async (c) => {
    const body = await jsonBody(c, createReportBody);
    const created = await createReport(c.get('ctx'), body, heldSpend(c));
    return c.json(createReportResponse.parse(created), 201);
  },
);
