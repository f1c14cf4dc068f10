// Creating a report: checks the reporter's keys and that the report is ciphertext for the right
// keys, then writes everything in one atomic batch (or a draft, when files are to follow). The
// proof of work was spent before the body was read (src/pow/middleware.ts); a retry after a lost
// answer pays with a fresh one and gets the first answer.
import { reportDrafts } from '../../db/schema';
import type { Ctx } from '../context';
import { recipientUnits } from '../contract/reach';
import { inspectReporterKey, isLockedPrivateKey, KeyRejectedError, sha256Hex } from '../crypto';
import { toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { isUniqueViolation } from '../storage/db';
import { unitWithKeys } from '../units/service';
import { receiptTaken, repeatedSubmission, type SubmissionAnswer } from './drafts';
import { type ReporterKey, readableRecipients, requireEncryptedTo } from './recipients';
import { finalReportWrites } from './rows';
import type { CreateReportBody } from './schemas';

async function checkReporterKeys(body: CreateReportBody): Promise<ReporterKey> {
  let info: Awaited<ReturnType<typeof inspectReporterKey>>;
  try {
    info = await inspectReporterKey(body.reporterPublicKey);
  } catch (err) {
    if (err instanceof KeyRejectedError)
      throw new AppError('key_rejected', `Reporter key: ${err.message}`);
    throw err;
  }
  const locked = await isLockedPrivateKey(body.reporterLockedKey);
  if (!locked?.locked) {
    throw new AppError(
      'key_rejected',
      "The reporter's private key must be locked with the receipt passphrase.",
    );
  }
  if (locked.fingerprint !== info.fingerprint) {
    throw new AppError('key_rejected', 'The locked private key does not match the public key.');
  }
  return { publicKey: body.reporterPublicKey, keyIds: info.encryptionKeyIds };
}

/**
 * Creates a report, or answers a repeat of one already received with the first answer. With
 * `files` to come it is kept as a draft that supervisors cannot see until the last file is in.
 */
export async function createReport(ctx: Ctx, body: CreateReportBody): Promise<SubmissionAnswer> {
  const lookupHash = await sha256Hex(body.lookupToken);
  // A report without files can only repeat as a report, which its insert finds (unique lookup
  // hash) at no extra cost; one with files may have become a report since, so look first.
  const earlier = body.files > 0 ? await repeatedSubmission(ctx, lookupHash, body.report) : null;
  if (earlier) return earlier;
  if (body.files > ctx.config.limits.attachmentsPerMessage) {
    throw new AppError(
      'invalid_request',
      `A report can carry at most ${ctx.config.limits.attachmentsPerMessage} files.`,
    );
  }
  const found = await unitWithKeys(ctx, body.unitId);
  if (!found) throw notFound('No such unit.');
  const { unit, keys } = found;
  if (body.copyToParent && !unit.parentId)
    throw new AppError('invalid_request', 'This unit has no unit above it to copy.');
  const copiedUnitId = body.copyToParent ? unit.parentId : null;
  const reporter = await checkReporterKeys(body);
  const facts = {
    unitId: unit.id,
    copiedUnitId,
    retaliationFlagged: false,
    parentId: unit.parentId,
  };
  const recipients = readableRecipients(recipientUnits(facts, 'message'), keys, reporter);
  await requireEncryptedTo(body.report, recipients);

  const day = toDay(ctx.now());
  const report = {
    id: newId(),
    messageId: newId(),
    unitId: unit.id,
    copiedUnitId,
    lookupHash,
    reporterPublicKey: body.reporterPublicKey,
    reporterLockedKey: body.reporterLockedKey,
    reporterKeyIds: JSON.stringify(reporter.keyIds),
    ciphertext: body.report,
  };
  const writes =
    body.files === 0
      ? finalReportWrites(ctx, report, day)
      : ([
          ctx.db.insert(reportDrafts).values({ ...report, filesExpected: body.files, day }),
        ] as const);
  try {
    await ctx.storage.commit([...writes]);
  } catch (err) {
    // The same submission twice at once: the one that lost the race gets the winner's answer.
    if (isUniqueViolation(err, 'reports') || isUniqueViolation(err, 'report_drafts')) {
      const first = await repeatedSubmission(ctx, lookupHash, body.report);
      if (first) return first;
      throw receiptTaken();
    }
    throw err;
  }
  return {
    messageId: report.messageId,
    receivedDay: day,
    complete: body.files === 0,
    filesReceived: 0,
  };
}
