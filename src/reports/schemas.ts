// Request and response shapes for submitting a report; strict, with size caps on every field.
import { z } from 'zod';

export const MAX_ARMORED_KEY = 64 * 1024;
export const MAX_REPORT_MESSAGE = 4 * 1024 * 1024;
export const MAX_FOLLOWUP_MESSAGE = 2 * 1024 * 1024;

export const lookupToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url');
export const armoredMessage = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .startsWith('-----BEGIN PGP MESSAGE-----', 'must be an armored OpenPGP message');
export const armoredPublicKey = z
  .string()
  .max(MAX_ARMORED_KEY)
  .startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----', 'must be an armored OpenPGP public key');
export const armoredPrivateKey = z
  .string()
  .max(MAX_ARMORED_KEY)
  .startsWith('-----BEGIN PGP PRIVATE KEY BLOCK-----', 'must be an armored OpenPGP private key');
export const entityId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be an ID');

export const createReportBody = z.strictObject({
  unitId: entityId,
  copyToParent: z.boolean().default(false),
  lookupToken,
  reporterPublicKey: armoredPublicKey,
  reporterLockedKey: armoredPrivateKey,
  report: armoredMessage(MAX_REPORT_MESSAGE),
  /** Supervisors (key IDs from the unit list) the reporter keeps out of the case. */
  exclude: z.array(entityId).max(50).default([]),
  /** Files that will follow; until the last is in, the report is a draft nobody else sees. */
  files: z.number().int().min(0).max(1000).default(0),
});
export type CreateReportBody = z.infer<typeof createReportBody>;

/** The answer to a new report, and to each of its files in a chunk's answer: see the contract. */
export { createReportResponse } from '../contract/reports';
