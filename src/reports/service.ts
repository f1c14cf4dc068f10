// Creating a report: checks the reporter's keys and that the report is ciphertext for the right
// keys, then writes everything in one atomic batch (or a draft, when files are to follow). The
// proof of work was spent before the body was read (src/pow/middleware.ts); a retry after a lost
// answer pays with a fresh one and gets the first answer.
import { caseExclusions, reportDrafts } from '../../db/schema';
import { exclusionCommitment } from '../audit/exclusion';
import { withAudit } from '../audit/service';
import { type Ctx, checksOf } from '../context';
import { exclusionProblem, hasReader, recipientUnits } from '../contract/reach';
import { sha256Hex } from '../crypto';
import { toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { type HeldSpend, isReplay, replayed, spendQuery } from '../pow/service';
import { isUniqueViolation, type Write } from '../storage/db';
import { getUnit, type UnitKey, unitWithKeys } from '../units/service';
import { receiptTaken, repeatedSubmission, type SubmissionAnswer } from './drafts';
import { readableRecipients, requireNamed } from './recipients';
import { finalReportWrites } from './rows';
import type { CreateReportBody } from './schemas';

/**
 * Creates a report, or answers a repeat of one already received with the first answer. With
 * `files` to come it is kept as a draft that supervisors cannot see until the last file is in.
 */
export async function createReport(
  ctx: Ctx,
  body: CreateReportBody,
  spend?: HeldSpend,
): Promise<SubmissionAnswer> {
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
  // The checks of the reporter's keys and of the report start now, on a check thread where there
  // is one, while the unit and its keys are read; their answer is looked at after the unit's.
  const checking = checksOf(ctx).report(
    body.reporterPublicKey,
    body.reporterLockedKey,
    body.report,
  );
  checking.catch(() => undefined);
  const found = await unitWithKeys(ctx, body.unitId);
  if (!found) throw notFound('No such unit.');
  const { unit, keys } = found;
  if (body.copyToParent && !unit.parentId)
    throw new AppError('invalid_request', 'This unit has no unit above it to copy.');
  await requireReader(ctx, unit, keys.get(unit.id) ?? []);
  const copiedUnitId = body.copyToParent ? unit.parentId : null;
  const exclude = [...new Set(body.exclude)].sort();
  checkExclusions(unit, keys, body.copyToParent, exclude);
  const checked = await checking;
  if (!checked.keys.ok) throw new AppError('key_rejected', checked.keys.detail);
  const reporter = { publicKey: body.reporterPublicKey, keyIds: checked.keys.encryptionKeyIds };
  const facts = {
    unitId: unit.id,
    copiedUnitId,
    retaliationFlagged: false,
    parentId: unit.parentId,
    addressedHasReaders: hasReader(keys.get(unit.id) ?? [], exclude),
    excludedKeyIds: exclude,
  };
  const recipients = readableRecipients(recipientUnits(facts, 'message'), keys, reporter, exclude);
  requireNamed(checked.encryptedTo, recipients);

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
  // The proof of work is spent in the same transaction: one sync for both.
  const all: Write[] = spend ? [spendQuery(ctx, spend), ...writes] : [...writes];
  try {
    if (exclude.length === 0) await ctx.storage.commit(all as [Write, ...Write[]]);
    else await storeWithExclusions(ctx, report.id, exclude, keys, all);
    if (spend) spend.written = true;
  } catch (err) {
    if (isReplay(err)) throw replayed();
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

/**
 * A unit without a reader takes no new report: it would reach nobody the reporter chose. The
 * refusal names the unit above to address instead, or says what the administrator must do.
 */
async function requireReader(
  ctx: Ctx,
  unit: { id: string; parentId: string | null },
  keys: UnitKey[],
): Promise<void> {
  if (hasReader(keys)) return;
  // A recovery key is an escrow kept offline: it reads nothing until a recovery, so it is no reader.
  const escrow = keys.some((k) => k.role === 'recovery')
    ? ' (its recovery key is kept offline and reads nothing until a recovery)'
    : '';
  const parent = unit.parentId ? await getUnit(ctx, unit.parentId) : null;
  if (parent) {
    throw new AppError(
      'conflict',
      `This unit has no active reader${escrow} and cannot receive reports. Address your report to the unit above it, "${parent.name}", instead.`,
      {
        reason: 'no_reader',
        unitAbove: { id: parent.id, name: parent.name, nameZh: parent.nameZh },
      },
    );
  }
  throw new AppError(
    'conflict',
    `This unit has no active reader${escrow} and no unit above it, so nobody could read a report. An administrator must approve a supervisor key for it (or place it under another unit) before it can receive reports.`,
    { reason: 'no_reader_no_parent' },
  );
}

const EXCLUSION_REFUSALS = {
  foreign_key:
    'Only supervisors of the chosen unit, and of the unit above when it gets a copy, can be excluded.',
  recovery_key: "A unit's recovery key cannot be excluded; only supervisors can.",
  no_reader_left:
    'At least one supervisor must be able to read the report: you cannot exclude all of them.',
} as const;

function checkExclusions(
  unit: { id: string; parentId: string | null },
  keys: Map<string, UnitKey[]>,
  copyToParent: boolean,
  exclude: string[],
): void {
  const units = [...keys].map(([id, unitKeys]) => ({
    id,
    parentId: id === unit.id ? unit.parentId : null,
    keys: unitKeys,
  }));
  const problem = exclusionProblem(units, unit.id, copyToParent, exclude);
  if (problem) throw new AppError('invalid_request', EXCLUSION_REFUSALS[problem], { problem });
}

/** The report (or draft), its exclusions and the audit commitment to them, in one batch. */
async function storeWithExclusions(
  ctx: Ctx,
  reportId: string,
  exclude: string[],
  keys: Map<string, UnitKey[]>,
  writes: Parameters<Ctx['storage']['commit']>[0][number][],
): Promise<void> {
  const all = [...keys.values()].flat();
  const fingerprints = exclude.map((id) => all.find((k) => k.id === id)?.fingerprint ?? id);
  const commitment = await exclusionCommitment(reportId, fingerprints);
  await withAudit(ctx, { actorId: null, action: 'case.exclusion', detail: { commitment } }, () => [
    ...writes,
    ctx.db
      .insert(caseExclusions)
      .values(exclude.map((supervisorId) => ({ reportId, supervisorId }))),
  ]);
}
