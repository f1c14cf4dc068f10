// Sending a report: receipt, keys, encryption, proof of work, upload, files; with progress.
import { callApi, jsonInit } from '../../../src/client/api';
import type { FileInput, ReportContent } from '../../../src/client/types';
import {
  deriveReceiptSecrets,
  generateReceipt,
  generateReporterKey,
  sealJson,
  unlockPrivateKey,
} from '../../../src/crypto';
import { browserFetch } from '../lib/api';
import { sendFiles } from '../lib/attachments';
import { type Step, solveChallenge } from '../lib/pow';

export interface SubmitInput {
  unitId: string;
  copyToParent: boolean;
  /** Unit keys (and the parent's when copied); the reporter's own key is added here. */
  unitKeys: string[];
  report: Omit<ReportContent, 'v' | 'type'>;
  files: FileInput[];
}

export interface SubmitResult {
  receipt: string;
  receivedDay: string;
  /** Files that could not be sent after the report itself was accepted. */
  failedFiles: string[];
}

export async function submitReport(input: SubmitInput, step: Step): Promise<SubmitResult> {
  const receipt = generateReceipt();
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(receipt);
  step('progress.keys');
  const { publicKey, lockedKey } = await generateReporterKey(keyPassphrase);
  const signingKey = await unlockPrivateKey(lockedKey, keyPassphrase);
  const recipients = [...input.unitKeys, publicKey];
  step('progress.encrypt');
  const report = await sealJson(
    { v: 1, type: 'report', ...input.report },
    { recipients, signingKey },
  );
  // Solved last, just before sending, so the challenge cannot expire while we encrypt.
  const pow = await solveChallenge('submit', step, 'progress.pow');
  step('progress.send');
  const created = await callApi<{ messageId: string; receivedDay: string }>(
    browserFetch,
    '/api/reports',
    jsonInit({
      pow,
      unitId: input.unitId,
      copyToParent: input.copyToParent,
      lookupToken,
      reporterPublicKey: publicKey,
      reporterLockedKey: lockedKey,
      report,
    }),
  );
  // From here on the report exists: a failed file must never cost the reporter the receipt.
  const failedFiles = await sendFiles(
    { lookupToken, messageId: created.messageId, recipients, signingKey },
    input.files,
    step,
  );
  return { receipt, receivedDay: created.receivedDay, failedFiles };
}
