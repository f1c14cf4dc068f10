// The portal's domain terms, shared by the database schema, the server, the client and the pages:
// one list each, so that a state, category or role is spelled in one place.

export const UNIT_LEVELS = ['national', 'provincial', 'intermediate', 'basic'] as const;
export const CASE_STATES = [
  'received',
  'acknowledged',
  'in_review',
  'investigating',
  'closed',
] as const;
export const CASE_OUTCOMES = ['substantiated', 'unsubstantiated', 'referred', 'withdrawn'] as const;
export const SUPERVISOR_STATUSES = ['pending', 'approved', 'rejected', 'revoked'] as const;
export const ROLES = ['supervisor', 'admin', 'auditor', 'recovery'] as const;
/** Roles a person signs in with; a unit's `recovery` key is kept offline and never signs in. */
export const PERSON_ROLES = ['supervisor', 'admin', 'auditor'] as const;
export const FLAG_STATES = ['received', 'acknowledged', 'measures_taken', 'resolved'] as const;
export const MESSAGE_KINDS = ['report', 'message', 'retaliation', 'reply'] as const;

export type CaseState = (typeof CASE_STATES)[number];
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const REPORT_CATEGORIES = [
  'interference',
  'prying',
  'improper_contact',
  'bribery',
  'abuse_of_discretion',
  'retaliation',
  'other',
] as const;
export const RETALIATION_KINDS = [
  'demotion',
  'transfer',
  'dismissal',
  'harassment',
  'threats',
  'exposure_of_identity',
  'other',
] as const;

export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
export type RetaliationKind = (typeof RETALIATION_KINDS)[number];

/** What a proof of work pays for; `sign-in` buys one sign-in challenge. */
export const POW_PURPOSES = ['submit', 'lookup', 'sign-in'] as const;
export type PowPurpose = (typeof POW_PURPOSES)[number];
/** The request headers a proof of work travels in: see headers.ts. */
export { POW_CHALLENGE_HEADER, POW_NONCE_HEADER } from './headers';
/** Which daily follow-up quota a 429 names in its details (`{ quota }`). */
export const FOLLOWUP_QUOTAS = ['message', 'flag', 'bytes'] as const;
export type FollowUpQuota = (typeof FOLLOWUP_QUOTAS)[number];
