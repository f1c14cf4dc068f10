// The reporter's side after the receipt: the case view (GET /api/receipt) and the answers to a
// message and a retaliation flag (files: contract/uploads.ts). Messages arrive as ciphertext only.
import { z } from 'zod';
import { attachmentRefSchema, caseFlagSchema, historyEntrySchema } from './cases';
import { CASE_OUTCOMES, CASE_STATES, MESSAGE_KINDS } from './terms';
import { unitNameSchema } from './units';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A supervisor key of the case's units as `GET /api/receipt` lists it, each key once. */
export const caseUnitKeySchema = z.strictObject({
  publicKey: z.string(),
  fingerprint: z.string(),
  pseudonym: z.string(),
  unitId: z.string(),
  /** The unit's offline recovery key rather than a person's. */
  recovery: z.boolean(),
  /** It signed a reply of this case: replies are verified against these keys only. */
  signer: z.boolean(),
  /** New messages (and their files) must be encrypted to it. */
  messages: z.boolean(),
  /** Retaliation flags (and their files) must be encrypted to it. */
  retaliation: z.boolean(),
});

export const caseMessageSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(MESSAGE_KINDS),
  author: z.enum(['reporter', 'unit']),
  day,
  ciphertext: z.string(),
  attachments: z.array(attachmentRefSchema),
});

/** The body of `GET /api/receipt`, built as JSON by the database (receipts/view.ts). */
export const caseViewBodySchema = z.strictObject({
  /** Day of the reporter's previous look-up (before this one), or null on the first. */
  lastSeenDay: day.nullable(),
  unit: unitNameSchema.nullable(),
  copiedUnit: unitNameSchema.nullable(),
  /** The unit above the addressed one (what a share or a flag reaches), or null at the top. */
  parentUnit: unitNameSchema.nullable(),
  /** A unit two levels up that an unanswered retaliation flag was passed to. */
  escalatedUnit: unitNameSchema.nullable(),
  /** Units the reporter has shared the whole case with. */
  sharedUnitIds: z.array(z.string()),
  state: z.enum(CASE_STATES),
  outcome: z.enum(CASE_OUTCOMES).nullable(),
  receivedDay: day,
  retaliationFlagged: z.boolean(),
  history: z.array(historyEntrySchema),
  reporterPublicKey: z.string(),
  reporterLockedKey: z.string(),
  unitKeys: z.array(caseUnitKeySchema),
  messages: z.array(caseMessageSchema),
  /** Openings, file downloads and exports, by day and pseudonym. */
  openings: z.array(
    z.strictObject({ day, by: z.string(), what: z.enum(['open', 'download', 'export']) }),
  ),
  retaliation: z.array(caseFlagSchema),
});

// With files announced, a message (or flag) is pending: stored, seen by no one until they are in.
export const messageResponse = z.strictObject({
  messageId: z.string(),
  pending: z.literal(true).optional(),
});
export const flagResponse = z.union([
  z.strictObject({ messageId: z.string(), flagId: z.string() }),
  z.strictObject({ messageId: z.string(), pending: z.literal(true) }),
]);

export type CaseUnitKey = z.infer<typeof caseUnitKeySchema>;
export type CaseMessage = z.infer<typeof caseMessageSchema>;
export type CaseViewBody = z.infer<typeof caseViewBodySchema>;
export type MessageResponse = z.infer<typeof messageResponse>;
export type FlagResponse = z.infer<typeof flagResponse>;
