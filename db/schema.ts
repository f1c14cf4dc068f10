// The portal's database schema: only ciphertext and the least metadata the work needs.
// IDs are random text; reporter-originated times are days (YYYY-MM-DD), never instants.
//
// The tables that hold rows a reporter's actions make (reports, case_events, messages,
// attachments, attachment_chunks, retaliation_flags, pow_spent, report_drafts, case_exclusions,
// case_shares, case_stats, deleted_receipts, uploads, pending_messages) are WITHOUT ROWID in the
// SQL (migrations 0004, 0006, 0008, 0010 and 0012): rows sit in the order of their random keys,
// with no rowid counting them in.
// drizzle-kit cannot express that: if it ever generates a rebuild of one of these tables, add
// `WITHOUT ROWID` back by hand and copy the rows `ORDER BY` the key.

import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  blob,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import {
  CASE_OUTCOMES,
  CASE_STATES,
  FLAG_STATES,
  MESSAGE_KINDS,
  ROLES,
  SUPERVISOR_STATUSES,
  UNIT_LEVELS,
} from '../src/contract/terms';

export type { CaseOutcome, CaseState } from '../src/contract/terms';
export {
  CASE_OUTCOMES,
  CASE_STATES,
  FLAG_STATES,
  MESSAGE_KINDS,
  PERSON_ROLES,
  ROLES,
  SUPERVISOR_STATUSES,
  UNIT_LEVELS,
} from '../src/contract/terms';

export const units = sqliteTable('units', {
  id: text('id').primaryKey(),
  parentId: text('parent_id'),
  name: text('name').notNull(),
  nameZh: text('name_zh').notNull(),
  level: text('level', { enum: UNIT_LEVELS }).notNull(),
  isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
  publishStats: integer('publish_stats', { mode: 'boolean' }).notNull().default(false),
  /** Months a closed case is kept, counted from the day it was closed (docs/operations.md). */
  retentionMonths: integer('retention_months').notNull().default(24),
});

/** A person's OpenPGP key and role. Approved, unexpired supervisor keys are a unit's key set. */
export const supervisors = sqliteTable(
  'supervisors',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull().default('supervisor'),
    status: text('status', { enum: SUPERVISOR_STATUSES }).notNull().default('pending'),
    publicKey: text('public_key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    encryptionKeyIds: text('encryption_key_ids').notNull(),
    keyExpiresAt: integer('key_expires_at'),
    /** Shown to reporters instead of a name, e.g. "Supervisor K7QM". */
    pseudonym: text('pseudonym').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('supervisors_fingerprint').on(t.fingerprint),
    index('supervisors_unit').on(t.unitId, t.status),
  ],
);

/** A report and the case it opens. `lookupHash` is SHA-256 of the receipt's lookup token. */
/** What an inbox row shows beyond its unit, state and sort key (see the inbox indexes). */
const inboxColumns = (t: {
  outcome: AnySQLiteColumn;
  classification: AnySQLiteColumn;
  receivedDay: AnySQLiteColumn;
  acknowledgeBy: AnySQLiteColumn;
  feedbackBy: AnySQLiteColumn;
  retaliationFlagged: AnySQLiteColumn;
}) =>
  [
    t.outcome,
    t.classification,
    t.receivedDay,
    t.acknowledgeBy,
    t.feedbackBy,
    t.retaliationFlagged,
  ] as const;

export const reports = sqliteTable(
  'reports',
  {
    id: text('id').primaryKey(),
    unitId: text('unit_id').notNull(),
    copiedUnitId: text('copied_unit_id'),
    lookupHash: text('lookup_hash').notNull(),
    reporterPublicKey: text('reporter_public_key').notNull(),
    reporterLockedKey: text('reporter_locked_key').notNull(),
    /** Key IDs of the reporter key's encryption subkeys (JSON), so follow-ups need no key parsing. */
    reporterKeyIds: text('reporter_key_ids').notNull().default('[]'),
    state: text('state', { enum: CASE_STATES }).notNull().default('received'),
    outcome: text('outcome', { enum: CASE_OUTCOMES }),
    classification: text('classification'),
    retaliationFlagged: integer('retaliation_flagged', { mode: 'boolean' })
      .notNull()
      .default(false),
    receivedDay: text('received_day').notNull(),
    acknowledgeBy: text('acknowledge_by').notNull(),
    feedbackBy: text('feedback_by').notNull(),
    /**
     * Inbox order as one sortable key, `bucket|due day|id`: open retaliation flags first, then
     * open cases by their next deadline, closed cases last. Unique, so it doubles as the cursor.
     */
    sortKey: text('sort_key').notNull(),
    /** Day of the reporter's last look-up, so replies since then can be marked as new. */
    lastSeenDay: text('last_seen_day'),
    /**
     * A unit two levels up that an unanswered retaliation flag was passed to, set by the daily
     * escalation (retaliation/escalation.ts) once a flag's deadline has gone by.
     */
    escalatedUnitId: text('escalated_unit_id'),
    /** A legal hold, set and lifted by two people: the retention job skips the case. */
    legalHold: integer('legal_hold', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('reports_lookup').on(t.lookupHash),
    // The inbox's pages are read from these indexes alone: they carry every column a page shows
    // (and the key), so a page never reads its rows, which spill to overflow pages (about 2 KB a
    // row with the reporter's keys, in a table WITHOUT ROWID, where a row keeps about 1 KB in its
    // page). Reading the rows made a page of 25 cost 0.9 ms instead of 45 µs.
    index('reports_inbox').on(t.unitId, t.sortKey, t.state, ...inboxColumns(t)),
    index('reports_inbox_state').on(t.unitId, t.state, t.sortKey, ...inboxColumns(t)),
    index('reports_copied').on(t.copiedUnitId, t.sortKey, t.state, ...inboxColumns(t)),
    // The unit above sees flagged cases of the units below: few rows, so a partial index.
    index('reports_flagged').on(t.unitId, t.sortKey).where(sql`${t.retaliationFlagged} = 1`),
    // The unit a flag was passed up to finds those cases without reading every case.
    index('reports_escalated')
      .on(t.escalatedUnitId, t.sortKey)
      .where(sql`${t.escalatedUnitId} IS NOT NULL`),
  ],
);

/**
 * A report whose files are still arriving. It becomes a row of `reports` (same id, same message
 * id) in the batch that stores its last file, so no supervisor ever sees half a submission.
 */
export const reportDrafts = sqliteTable(
  'report_drafts',
  {
    id: text('id').primaryKey(),
    lookupHash: text('lookup_hash').notNull(),
    unitId: text('unit_id').notNull(),
    copiedUnitId: text('copied_unit_id'),
    reporterPublicKey: text('reporter_public_key').notNull(),
    reporterLockedKey: text('reporter_locked_key').notNull(),
    reporterKeyIds: text('reporter_key_ids').notNull(),
    messageId: text('message_id').notNull(),
    ciphertext: text('ciphertext').notNull(),
    filesExpected: integer('files_expected').notNull(),
    day: text('day').notNull(),
  },
  (t) => [uniqueIndex('report_drafts_lookup').on(t.lookupHash)],
);

/** The dated state history the reporter sees. `position` orders entries within one report. */
export const caseEvents = sqliteTable(
  'case_events',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id').notNull(),
    position: integer('position').notNull(),
    state: text('state', { enum: CASE_STATES }).notNull(),
    outcome: text('outcome', { enum: CASE_OUTCOMES }),
    day: text('day').notNull(),
  },
  (t) => [uniqueIndex('case_events_order').on(t.reportId, t.position)],
);

/** Every word anyone writes about a case, as an armored OpenPGP message. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id').notNull(),
    position: integer('position').notNull(),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    supervisorId: text('supervisor_id'),
    ciphertext: text('ciphertext').notNull(),
    day: text('day').notNull(),
  },
  (t) => [
    uniqueIndex('messages_order').on(t.reportId, t.position),
    // A notice counts a unit's new messages case by case: its day and kind come from here, not
    // from the row, whose day sits after the ciphertext on overflow pages (18 s at 100,000 cases).
    index('messages_report_day').on(t.reportId, t.day, t.kind),
  ],
);

/** An encrypted file; the bytes live in the blob store under `id`, the name inside the ciphertext. */
export const attachments = sqliteTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id').notNull(),
    messageId: text('message_id').notNull(),
    /** Upload order within its message (the names sealed in the message are in this order). */
    position: integer('position').notNull().default(0),
    size: integer('size').notNull(),
    day: text('day').notNull(),
  },
  (t) => [index('attachments_message').on(t.messageId), index('attachments_report').on(t.reportId)],
);

/**
 * The encrypted bytes of an attachment, in chunks, inside the database: a file written per
 * upload would carry the upload's time in its ctime and birth time (SECURITY.md, "At rest").
 */
export const attachmentChunks = sqliteTable(
  'attachment_chunks',
  {
    attachmentId: text('attachment_id').notNull(),
    seq: integer('seq').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.attachmentId, t.seq] })],
);

/**
 * A file arriving in numbered chunks (src/uploads). It becomes the row of `attachments` with the
 * same id when its last chunk is in; until then no supervisor sees it, and a day without a chunk
 * gets it deleted with its bytes. `day` is the day of its last chunk.
 */
export const uploads = sqliteTable(
  'uploads',
  {
    id: text('id').primaryKey(),
    /** The report, or the draft that becomes it (same id). */
    reportId: text('report_id').notNull(),
    messageId: text('message_id').notNull(),
    position: integer('position').notNull(),
    /** The file's random chunk tag (inside each chunk's signed label), for a resumed upload. */
    tag: text('tag').notNull(),
    /** Announced size of the padded plaintext, and the number of chunks it makes. */
    total: integer('total').notNull(),
    chunks: integer('chunks').notNull(),
    received: integer('received').notNull().default(0),
    bytes: integer('bytes').notNull().default(0),
    /** The blob store's own state (R2: the multipart upload id and its parts). */
    store: text('store').notNull().default(''),
    /** The first chunk's session-key packets (base64url), which every later chunk must repeat
     * byte for byte: one session key per file, so a grant re-wraps one key. Empty before it. */
    keys: text('keys').notNull().default(''),
    /** The first chunk's data packet (JSON: version, and for version 2 cipher and AEAD mode),
     * which a v6 session-key packet does not name: a resumed upload seals with it, and every
     * later chunk must match it. Empty before the first chunk (or for uploads older than it). */
    data: text('data').notNull().default(''),
    day: text('day').notNull(),
  },
  (t) => [
    uniqueIndex('uploads_slot').on(t.messageId, t.position),
    index('uploads_report').on(t.reportId),
    index('uploads_day').on(t.day),
  ],
);

/**
 * A reporter's follow-up message (or retaliation flag) whose files are still arriving. It reaches
 * supervisors only when its last file is in: then it becomes a row of `messages` (same id) and
 * its uploads become attachments, in one batch. Abandoned with its uploads (`dropStaleUploads`).
 */
export const pendingMessages = sqliteTable(
  'pending_messages',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id').notNull(),
    kind: text('kind', { enum: ['message', 'retaliation'] }).notNull(),
    ciphertext: text('ciphertext').notNull(),
    filesExpected: integer('files_expected').notNull(),
    /** The day of its last activity (the message, or a chunk of one of its files). */
    day: text('day').notNull(),
  },
  (t) => [index('pending_messages_report').on(t.reportId), index('pending_messages_day').on(t.day)],
);

/** A reporter's retaliation flag; its details are the linked message's ciphertext. */
export const retaliationFlags = sqliteTable(
  'retaliation_flags',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id').notNull(),
    messageId: text('message_id').notNull(),
    state: text('state', { enum: FLAG_STATES }).notNull().default('received'),
    day: text('day').notNull(),
    dueBy: text('due_by').notNull(),
    /** Days of handling milestones, for the deadline view and the published handling times. */
    acknowledgedDay: text('acknowledged_day'),
    resolvedDay: text('resolved_day'),
  },
  (t) => [index('retaliation_report').on(t.reportId)],
);

/**
 * A case given to one more key by someone who could read it (cases/reach.ts says who may receive
 * it): each message's and file's session key was re-wrapped for the grantee, the data untouched.
 * `granterId` is the granting key's supervisor row (a recovery key's too); `actorId` who acted
 * (the granter in the browser, `operator` from the CLI).
 */
export const caseGrants = sqliteTable(
  'case_grants',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id').notNull(),
    granteeId: text('grantee_id').notNull(),
    granterId: text('granter_id').notNull(),
    actorId: text('actor_id').notNull(),
    /** Messages and files re-wrapped by this grant. */
    items: integer('items').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('case_grants_report').on(t.reportId), index('case_grants_grantee').on(t.granteeId)],
);

/**
 * The session-key packets a grant adds, one row per message or file and grantee. Grants only ever
 * insert here (the stored message and file bytes never change), so two grants racing on one item
 * both keep their packet; readers see the item with these packets put after its own.
 */
export const grantPackets = sqliteTable(
  'grant_packets',
  {
    itemId: text('item_id').notNull(),
    granteeId: text('grantee_id').notNull(),
    reportId: text('report_id').notNull(),
    grantId: text('grant_id').notNull(),
    /** The packet in base64url: small, and text reads alike on libSQL and D1. */
    packet: text('packet').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.granteeId] }),
    index('grant_packets_report').on(t.reportId),
  ],
);

/**
 * Supervisors the reporter chose to keep out of a case (a draft's id while its files arrive):
 * their keys never receive its content, see it, or get it by a grant (contract/reach.ts). WITHOUT
 * ROWID (migration 0007) and no time at all; the audit trail holds only a commitment
 * (audit/exclusion.ts).
 */
export const caseExclusions = sqliteTable(
  'case_exclusions',
  {
    reportId: text('report_id').notNull(),
    supervisorId: text('supervisor_id').notNull(),
  },
  // By supervisor: the inbox of the unit above finds a unit's cases its readers are all kept from.
  (t) => [
    primaryKey({ columns: [t.reportId, t.supervisorId] }),
    index('case_exclusions_supervisor').on(t.supervisorId),
  ],
);

/**
 * A case the reporter shared with a unit above (their browser re-wrapped every session key for
 * that unit's keys). WITHOUT ROWID (migration 0007), dated by day.
 */
export const caseShares = sqliteTable(
  'case_shares',
  {
    reportId: text('report_id').notNull(),
    unitId: text('unit_id').notNull(),
    day: text('day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.unitId] }), index('case_shares_unit').on(t.unitId)],
);

/**
 * Proof-of-work challenges already spent, kept until they would have expired anyway. The expiry
 * is rounded up to the hour, so a row does not say when its challenge was fetched.
 */
export const powSpent = sqliteTable('pow_spent', {
  challengeHash: text('challenge_hash').primaryKey(),
  expiresAt: integer('expires_at').notNull(),
});

/** Server-side secrets and settings made at first start (e.g. the proof-of-work MAC key). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: integer('created_at').notNull().default(sql`(unixepoch())`),
});

/**
 * Spent sign-in challenges, by the hash of their nonce, until they expire. Challenges are
 * stateless (MAC'd); a row is written only with the session a verified signature opens.
 */
export const authChallenges = sqliteTable('auth_challenges', {
  nonceHash: text('nonce_hash').primaryKey(),
  expiresAt: integer('expires_at').notNull(),
});

/** Supervisor sessions. Only the token's hash is kept; the CSRF token is derived from the token. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    supervisorId: text('supervisor_id').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_supervisor').on(t.supervisorId)],
);

/**
 * Append-only, hash-chained trail of every supervisor, administrator and operator action. Each
 * entry holds the previous entry's hash; `seq` and `prev_hash` are unique so two writers racing
 * for the same place cannot both succeed. No content, no network identifiers.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    seq: integer('seq').notNull(),
    at: integer('at').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    unitId: text('unit_id'),
    reportId: text('report_id'),
    targetId: text('target_id'),
    detail: text('detail').notNull().default('{}'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_seq').on(t.seq),
    uniqueIndex('audit_prev').on(t.prevHash),
    index('audit_report').on(t.reportId, t.action),
    // Approvals of a key are found by their target; the latest arrivals sweep by its action.
    index('audit_target').on(t.targetId),
    index('audit_action').on(t.action, t.seq),
    // A person's reads of a list on a day are logged once (audit/reads.ts): found by this.
    index('audit_actor').on(t.actorId, t.action, t.at),
  ],
);

/**
 * Heads of the audit log signed by auditors with their own keys (audit/checkpoints.ts): a later
 * rewrite of the chain no longer extends them. The auditor keeps a copy outside the server too.
 */
export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  id: text('id').primaryKey(),
  seq: integer('seq').notNull(),
  hash: text('hash').notNull(),
  signerId: text('signer_id').notNull(),
  signerFingerprint: text('signer_fingerprint').notNull(),
  /** The signed text, exactly as signed, and the armored detached signature over it. */
  text: text('text').notNull(),
  signature: text('signature').notNull(),
  day: text('day').notNull(),
});

/**
 * A change one person asked for and a second must confirm (legal hold on or off, early
 * deletion). One pending request per case and kind; the confirmation removes it.
 */
export const caseRequests = sqliteTable(
  'case_requests',
  {
    reportId: text('report_id').notNull(),
    kind: text('kind', { enum: ['hold', 'release', 'delete'] }).notNull(),
    requestedBy: text('requested_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.kind] })],
);

/**
 * What is left of a deleted case: the figures the published statistics need (unit,
 * classification, days, outcome), under a fresh random id that links to nothing else.
 */
export const caseStats = sqliteTable('case_stats', {
  id: text('id').primaryKey(),
  unitId: text('unit_id').notNull(),
  classification: text('classification'),
  receivedDay: text('received_day').notNull(),
  acknowledgedInTime: integer('acknowledged_in_time', { mode: 'boolean' }).notNull(),
  outcome: text('outcome', { enum: CASE_OUTCOMES }),
  closedDay: text('closed_day'),
});

/** Receipts of deleted cases (the lookup token's hash only), so the reporter is told so. */
export const deletedReceipts = sqliteTable('deleted_receipts', {
  lookupHash: text('lookup_hash').primaryKey(),
  day: text('day').notNull(),
});

/** Claims of scheduled jobs: one row per job and slot, so a slot runs once on any instance. */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    name: text('name').notNull(),
    slot: text('slot').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.slot] })],
);

/** A supervisor's address for content-free notices, verified by a link before any use. */
export const notifyAddresses = sqliteTable('notify_addresses', {
  supervisorId: text('supervisor_id').primaryKey(),
  email: text('email').notNull(),
  verified: integer('verified', { mode: 'boolean' }).notNull().default(false),
  /** SHA-256 of the verification link's token; null once verified. */
  tokenHash: text('token_hash'),
  /** UTC hour (0-23) of the daily digest. */
  digestHour: integer('digest_hour').notNull().default(7),
  /** Send the digest only on days with something to say (default: every day, same size). */
  onlyWhenActive: integer('only_when_active', { mode: 'boolean' }).notNull().default(false),
  /** Add the details (counts), encrypted to the supervisor's own key. */
  encryptDetails: integer('encrypt_details', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
});

/** Notices waiting to be sent, retried with backoff by the scheduler, never on a request. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAt: integer('next_at').notNull(),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_next').on(t.nextAt)],
);
