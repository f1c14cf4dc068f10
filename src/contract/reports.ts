// A new report (POST /api/reports) and its files: the answer says how many files the server holds,
// so a client that retries after a failure resumes where it stopped.
import { z } from 'zod';

export const createReportResponse = z.strictObject({
  messageId: z.string(),
  receivedDay: z.string(),
  complete: z.boolean(),
  filesReceived: z.number().int(),
});
export type CreateReportResponse = z.infer<typeof createReportResponse>;
