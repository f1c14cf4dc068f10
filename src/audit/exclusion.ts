// How the audit trail records that a reporter excluded keys from a case without saying whose: the
// entry (action `case.exclusion`) carries only a commitment, so the log tells an auditor that an
// exclusion exists and tells an excluded supervisor nothing, while anyone holding the database can
// recompute it from `case_exclusions` and match the two (audit-log reconciliation).
//
// Formula (version 1), exactly:
//   commitment = lower-case hex of SHA-256 over the UTF-8 bytes of
//     "case.exclusion.v1\n" + caseId + "\n" + join("\n", sort(fingerprints))
// where `caseId` is the report ID (`case_exclusions.report_id`), and `fingerprints` are the
// `supervisors.fingerprint` values of the excluded `supervisor_id`s, upper-case hex as stored,
// sorted by plain code-unit order (JavaScript's default sort), each once. The entry's `report_id`
// and `unit_id` are null and its `at` is midnight UTC of the day (a reporter's action is dated by
// day only); its detail is exactly `{"commitment":"<hex>"}`.
import { sha256Hex } from '../crypto/encoding';

export const EXCLUSION_COMMITMENT_LABEL = 'case.exclusion.v1';

export async function exclusionCommitment(caseId: string, fingerprints: string[]): Promise<string> {
  const sorted = [...new Set(fingerprints.map((f) => f.toUpperCase()))].sort();
  return sha256Hex(`${EXCLUSION_COMMITMENT_LABEL}\n${caseId}\n${sorted.join('\n')}`);
}
