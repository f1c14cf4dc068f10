// Creating a report: checks the reporter's keys and that the report is ciphertext for the right
// keys, then writes everything in one atomic batch. The proof of work was spent before (see
// src/pow/middleware.ts).
import { caseEvents, messages, reports } from '../../db/schema';
import { sortKey } from '../cases/sort-key';
import type { Ctx } from '../context';
import { recipientUnits } from '../contract/reach';
import { inspectReporterKey, isLockedPrivateKey, KeyRejectedError, sha256Hex } from '../crypto';
import { addDays, addMonths, toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { commitWrites, isUniqueViolation } from '../storage/db';
import { unitWithKeys } from '../units/service';
import { type ReporterKey, readableRecipients, requireEncryptedTo } from './recipients';
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
  if (!locked.datedByDay) {
    throw new AppError(
      'key_rejected',
      "The reporter's private key carries a time of day; keys are dated at 00:00 UTC.",
    );
  }
  return { publicKey: body.reporterPublicKey, keyIds: info.encryptionKeyIds };
}

export async function createReport(ctx: Ctx, body: CreateReportBody) {
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
  const reportId = newId();
  const messageId = newId();
  const acknowledgeBy = addDays(day, ctx.config.deadlines.acknowledgeDays);
  const feedbackBy = addMonths(day, ctx.config.deadlines.feedbackMonths);
  const order = {
    id: reportId,
    state: 'received' as const,
    receivedDay: day,
    acknowledgeBy,
    feedbackBy,
    openFlagDue: null,
  };
  try {
    await commitWrites(ctx.db, [
      ctx.db.insert(reports).values({
        id: reportId,
        unitId: unit.id,
        copiedUnitId,
        lookupHash: await sha256Hex(body.lookupToken),
        reporterPublicKey: body.reporterPublicKey,
        reporterLockedKey: body.reporterLockedKey,
        reporterKeyIds: JSON.stringify(reporter.keyIds),
        receivedDay: day,
        acknowledgeBy,
        feedbackBy,
        sortKey: sortKey(order),
      }),
      ctx.db
        .insert(caseEvents)
        .values({ id: newId(), reportId, position: 0, state: 'received', day }),
      ctx.db.insert(messages).values({
        id: messageId,
        reportId,
        position: 0,
        kind: 'report',
        ciphertext: body.report,
        day,
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, 'reports'))
      throw new AppError('conflict', 'Generate a new receipt and submit again.');
    throw err;
  }
  return { messageId, receivedDay: day };
}
