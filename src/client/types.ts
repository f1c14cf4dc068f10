// Shapes the reporter's client exchanges with the server and keeps after decryption.

export interface UnitKeyView {
  /** What a reporter names to exclude the key from their case. */
  id: string;
  /** The name the administrator approved for the key's holder. */
  displayName: string;
  fingerprint: string;
  role: 'supervisor' | 'recovery';
  publicKey: string;
  encryptionKeyIds: string[];
  expiresAt: string | null;
}

export interface UnitView {
  id: string;
  parentId: string | null;
  name: string;
  nameZh: string;
  level: 'national' | 'provincial' | 'intermediate' | 'basic';
  isDemo: boolean;
  /** Months a closed case is kept before it is deleted. */
  retentionMonths?: number;
  keys: UnitKeyView[];
}

export { REPORT_CATEGORIES, RETALIATION_KINDS } from '../contract/terms';

import type { REPORT_CATEGORIES, RETALIATION_KINDS } from '../contract/terms';

export interface ReportContent {
  v: 1;
  type: 'report';
  category: (typeof REPORT_CATEGORIES)[number];
  whatHappened: string;
  when: string;
  where: string;
  who: string;
  howKnown: string;
  files?: FileNote[];
}
/**
 * Names and sizes of the files sent with a message, in upload order, sealed with it: the server
 * never sees a name, and the reporter sees their files by name again later.
 */
export interface FileNote {
  name: string;
  size: number;
}
export interface MessageContent {
  v: 1;
  type: 'message';
  text: string;
  files?: FileNote[];
}
export interface RetaliationContent {
  v: 1;
  type: 'retaliation';
  kind: (typeof RETALIATION_KINDS)[number];
  startedOn: string;
  details: string;
  files?: FileNote[];
}
export interface ReplyContent {
  v: 1;
  type: 'reply';
  text: string;
}
export type Content = ReportContent | MessageContent | RetaliationContent | ReplyContent;

export interface FileInput {
  name: string;
  type: string;
  bytes: Uint8Array;
}

export interface CaseView {
  unit: { id: string; name: string; nameZh: string } | null;
  copiedUnit: { id: string; name: string; nameZh: string } | null;
  /** The unit above the addressed one (what a share or a flag reaches), or null at the top. */
  parentUnit: { id: string; name: string; nameZh: string } | null;
  /** A unit two levels up that an unanswered retaliation flag was passed to. */
  escalatedUnit: { id: string; name: string; nameZh: string } | null;
  /** Units the reporter has shared the whole case with. */
  sharedUnitIds: string[];
  state: string;
  outcome: string | null;
  receivedDay: string;
  /** Day of the reporter's previous look-up (before this one), or null on the first. */
  lastSeenDay: string | null;
  retaliationFlagged: boolean;
  history: { state: string; outcome: string | null; day: string }[];
  reporterPublicKey: string;
  reporterLockedKey: string;
  /** Keys to encrypt to, the reporter's own last: derived from `unitKeys` by the browser. */
  recipients: { messages: string[]; retaliation: string[] };
  /** The keys that signed this case's replies, each approved when it signed (revoked ones stay). */
  unitSigningKeys: string[];
  /** Who can read what the reporter writes next: pseudonyms of the keys new messages go to. */
  readers: CaseReader[];
  /** Who can read a retaliation flag sent now. */
  flagReaders: CaseReader[];
  /** Units above the reporter may share the whole case with (derived by the browser). */
  shareTargets: { id: string; name: string; nameZh: string }[];
  messages: {
    id: string;
    kind: 'report' | 'message' | 'retaliation' | 'reply';
    author: 'reporter' | 'unit';
    day: string;
    ciphertext: string;
    attachments: { id: string; size: number }[];
  }[];
  retaliation: { id: string; messageId: string; state: string; day: string; dueBy: string }[];
  /** Each day the case's content was opened, and the pseudonym of the supervisor who opened it. */
  /** Openings, file downloads and exports, by day and pseudonym (`what` absent on older servers). */
  openings: { day: string; by: string; what?: 'open' | 'download' | 'export' }[];
}

export interface CaseReader {
  pseudonym: string;
  fingerprint: string;
  recovery: boolean;
  unitId: string;
}

/** A supervisor key of the case's units as `GET /api/receipt` lists it, each key once. */
export interface CaseUnitKey {
  publicKey: string;
  fingerprint: string;
  pseudonym: string;
  unitId: string;
  /** The unit's offline recovery key rather than a person's. */
  recovery: boolean;
  /** It signed a reply of this case: replies are verified against these keys only. */
  signer: boolean;
  /** New messages (and their files) must be encrypted to it. */
  messages: boolean;
  /** Retaliation flags (and their files) must be encrypted to it. */
  retaliation: boolean;
}

/** The body of `GET /api/receipt`: the view with each unit key listed once. */
export type CaseViewBody = Omit<
  CaseView,
  'recipients' | 'unitSigningKeys' | 'readers' | 'flagReaders' | 'shareTargets'
> & {
  unitKeys: CaseUnitKey[];
};
