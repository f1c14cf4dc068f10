// Files in chunks: what POST /api/uploads and each chunk answer, the submission to resume after a
// reload (GET /api/reports/draft), the follow-ups that wait for their files (GET
// /api/receipt/pending) and the limits the pages show (GET /api/limits).
import { z } from 'zod';

/** A data packet's version and, for version 2 (AEAD, SEIPDv2), its cipher and AEAD mode. */
export const dataPacketSchema = z.strictObject({
  version: z.number().int(),
  cipher: z.number().int().optional(),
  aead: z.number().int().optional(),
});

/** POST /api/uploads and POST /api/uploads/{id}/chunks/{n}: how far the file has come. */
export const uploadStateSchema = z.strictObject({
  uploadId: z.string(),
  tag: z.string(),
  chunks: z.number().int(),
  received: z.number().int(),
  /** The first chunk's session-key packets (base64url), once the server holds that chunk. */
  keys: z.string().optional(),
  /** The first chunk's data packet, with the keys: a v6 session-key packet names no cipher, so a
   * later chunk sealed after a reload takes the cipher and AEAD mode from here. */
  data: dataPacketSchema.optional(),
  /** Set with the last chunk: the file is whole and stored. */
  attachmentId: z.string().optional(),
  /** With a follow-up's last file: whether the message is now complete (seen by supervisors). */
  message: z.strictObject({ messageId: z.string(), complete: z.boolean() }).optional(),
  /** With a report's last file: whether the submission is now complete. */
  submission: z
    .strictObject({
      messageId: z.string(),
      receivedDay: z.string(),
      complete: z.boolean(),
      filesReceived: z.number().int(),
    })
    .optional(),
});

/** GET /api/reports/draft: the submission under way, to finish from the receipt alone. */
export const draftToResumeResponse = z.strictObject({
  unitId: z.string(),
  copyToParent: z.boolean(),
  reporterPublicKey: z.string(),
  reporterLockedKey: z.string(),
  exclude: z.array(z.string()),
  report: z.string(),
  filesExpected: z.number().int(),
  filesReceived: z.number().int(),
});

/** GET /api/receipt/pending: the reporter's messages still waiting for their files. */
export const pendingMessagesResponse = z.strictObject({
  pending: z.array(
    z.strictObject({
      messageId: z.string(),
      kind: z.enum(['message', 'retaliation']),
      ciphertext: z.string(),
      filesExpected: z.number().int(),
      filesReceived: z.number().int(),
    }),
  ),
});

/** GET /api/limits */
export const limitsResponse = z.strictObject({
  attachmentBytes: z.number().int(),
  attachmentsPerMessage: z.number().int(),
  /** A chunk request with no byte sent for this long is given up and sent again. */
  uploadStallSeconds: z.number().int(),
  /** A chunk request with no answer this long after its body is given up likewise. */
  uploadAnswerSeconds: z.number().int(),
});

export type UploadState = z.infer<typeof uploadStateSchema>;
export type DraftToResume = z.infer<typeof draftToResumeResponse>;
export type PendingMessages = z.infer<typeof pendingMessagesResponse>;
export type Limits = z.infer<typeof limitsResponse>;
