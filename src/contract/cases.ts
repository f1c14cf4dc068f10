// The supervisor's cases: the inbox, one case opened, who opened it, and the answers to a reply,
// a state change and a classification.
import { z } from 'zod';
import { RELATIONS } from './reach';
import { CASE_OUTCOMES, CASE_STATES, FLAG_STATES, MESSAGE_KINDS, REPORT_CATEGORIES } from './terms';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const relationSchema = z.enum(RELATIONS);
export const historyEntrySchema = z.strictObject({
  state: z.enum(CASE_STATES),
  outcome: z.enum(CASE_OUTCOMES).nullable(),
  day,
});
export const attachmentRefSchema = z.strictObject({ id: z.string(), size: z.number().int() });
/** A retaliation flag as both the reporter's and the supervisor's case view show it. */
export const caseFlagSchema = z.strictObject({
  id: z.string(),
  messageId: z.string(),
  state: z.enum(FLAG_STATES),
  day,
  dueBy: day,
});

/** What the inbox and the opened case both say of a case's state and deadlines. */
const caseStatus = {
  id: z.string(),
  state: z.enum(CASE_STATES),
  outcome: z.enum(CASE_OUTCOMES).nullable(),
  /** One of REPORT_CATEGORIES once a supervisor classified it. */
  classification: z.string().nullable(),
  receivedDay: day,
  acknowledgeBy: day,
  feedbackBy: day,
  retaliationFlagged: z.boolean(),
  relation: relationSchema,
};

export const inboxItemSchema = z.strictObject({
  ...caseStatus,
  /** The next deadline, or null once none is open. */
  due: day.nullable(),
  overdue: z.boolean(),
  openRetaliation: z.boolean(),
});

/** GET /api/cases */
export const inboxPageSchema = z.strictObject({
  items: z.array(inboxItemSchema),
  nextCursor: z.string().nullable(),
});

/** GET /api/cases/:id: one case's content, still encrypted, for the supervisor's browser. */
export const caseContentSchema = z.strictObject({
  ...caseStatus,
  /** Whether this unit reads the case and so may change its state, outcome and classification. */
  casePowers: z.boolean(),
  unitId: z.string(),
  copiedUnitId: z.string().nullable(),
  history: z.array(historyEntrySchema),
  reporterPublicKey: z.string(),
  replyRecipients: z.array(z.string()),
  supervisorKeys: z.array(
    z.strictObject({ pseudonym: z.string(), fingerprint: z.string(), publicKey: z.string() }),
  ),
  messages: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.enum(MESSAGE_KINDS),
      day,
      /** `reporter`, or the pseudonym of the supervisor who replied. */
      author: z.string(),
      ciphertext: z.string(),
      attachments: z.array(attachmentRefSchema),
    }),
  ),
  retaliation: z.array(caseFlagSchema),
});

/** GET /api/cases/:id/access: every opening, download and export, for tracing a leak. */
export const accessEntrySchema = z.strictObject({
  auditSeq: z.number().int(),
  at: z.string(),
  /** `case.open`, `case.attachment_open` or `case.export`. */
  action: z.string(),
  unitId: z.string().nullable(),
  supervisor: z.string(),
  pseudonym: z.string(),
});
export const accessListSchema = z.strictObject({ entries: z.array(accessEntrySchema) });

export const replyResponse = z.strictObject({ messageId: z.string() });
export const stateResponse = z.strictObject({
  state: z.enum(CASE_STATES),
  outcome: z.enum(CASE_OUTCOMES).nullable(),
  day,
});
export const classifyResponse = z.strictObject({ classification: z.enum(REPORT_CATEGORIES) });

export type InboxItem = z.infer<typeof inboxItemSchema>;
export type InboxPage = z.infer<typeof inboxPageSchema>;
export type CaseContent = z.infer<typeof caseContentSchema>;
export type AccessEntry = z.infer<typeof accessEntrySchema>;
export type AccessList = z.infer<typeof accessListSchema>;
export type CaseFlag = z.infer<typeof caseFlagSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type ReplyResponse = z.infer<typeof replyResponse>;
export type StateResponse = z.infer<typeof stateResponse>;
export type ClassifyResponse = z.infer<typeof classifyResponse>;
