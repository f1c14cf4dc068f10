// Shapes the reporter's client exchanges with the server and keeps after decryption.

export { REPORT_CATEGORIES, RETALIATION_KINDS } from '../contract/terms';
// The API's answers are typed by the contract (src/contract/), derived from its output schemas.
export type { UnitKeyView, UnitView } from '../contract/units';

import type { CaseViewBody } from '../contract/receipt';
import type { REPORT_CATEGORIES, RETALIATION_KINDS } from '../contract/terms';
import type { UnitName } from '../contract/units';

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

export type { CaseUnitKey, CaseViewBody } from '../contract/receipt';

/**
 * The case as the reporter's page reads it: the body of `GET /api/receipt` with what the browser
 * derives from its `unitKeys` in place of them.
 */
export type CaseView = Omit<CaseViewBody, 'unitKeys'> & {
  /** Keys to encrypt to, the reporter's own last: derived from `unitKeys` by the browser. */
  recipients: { messages: string[]; retaliation: string[] };
  /** The keys that signed this case's replies, each approved when it signed (revoked ones stay). */
  unitSigningKeys: string[];
  /** Who can read what the reporter writes next: pseudonyms of the keys new messages go to. */
  readers: CaseReader[];
  /** Who can read a retaliation flag sent now. */
  flagReaders: CaseReader[];
  /** Units above the reporter may share the whole case with (derived by the browser). */
  shareTargets: UnitName[];
};

export interface CaseReader {
  pseudonym: string;
  fingerprint: string;
  recovery: boolean;
  unitId: string;
}
