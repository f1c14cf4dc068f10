// A supervisor's work on one case: open it (audited), read files (audited), reply, move it
// through its states and classify it. Every change and its audit entry land in one batch.
import { and, eq, sql } from 'drizzle-orm';
import {
  attachments,
  type CaseOutcome,
  type CaseState,
  caseEvents,
  messages,
  reports,
} from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import type {
  CaseContent,
  ClassifyResponse,
  ReplyResponse,
  StateResponse,
} from '../contract/cases';
import { mayActOnCase, type Relation } from '../contract/reach';
import type { ReportCategory } from '../contract/terms';
import { grantedFileStream } from '../grants/packets';
import { toDay } from '../lib/days';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { recipientsFor, requireEncryptedTo } from '../reports/recipients';
import { caseForActor, type ReportRow, signerKeys } from './reach';
import { caseRecords, openFlagDue } from './records';
import { sortKey } from './sort-key';

/** Refuses a change of the case itself to a unit that reaches it only through flags. */
function requireCasePowers(relation: Relation) {
  if (!mayActOnCase(relation)) {
    throw new AppError(
      'forbidden',
      'Your unit sees this case only through a retaliation flag or an escalation: it can work on the flags and reply, but the state, outcome and classification belong to the units that can read the report.',
    );
  }
}

/** Opens a case's content for a supervisor, leaving an audit entry before anything is returned. */
export async function openCaseContent(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
): Promise<CaseContent> {
  const { report, relation } = await caseForActor(ctx, actor, reportId);
  await withAudit(ctx, { actorId: actor.id, action: 'case.open', unitId: actor.unitId, reportId });
  const [{ history, messages: msgs, filesOf, flags }, signers, recipients] = await Promise.all([
    caseRecords(ctx, reportId),
    signerKeys(ctx, reportId),
    recipientsFor(ctx, report, 'reply'),
  ]);
  const byId = new Map(signers.map((s) => [s.id, s]));
  return {
    id: report.id,
    relation,
    /** Whether this unit may change the state, outcome and classification (reads the case). */
    casePowers: mayActOnCase(relation),
    unitId: report.unitId,
    copiedUnitId: report.copiedUnitId,
    state: report.state,
    outcome: report.outcome,
    classification: report.classification,
    receivedDay: report.receivedDay,
    acknowledgeBy: report.acknowledgeBy,
    feedbackBy: report.feedbackBy,
    retaliationFlagged: report.retaliationFlagged,
    history: history.map((h) => ({ state: h.state, outcome: h.outcome, day: h.day })),
    reporterPublicKey: report.reporterPublicKey,
    replyRecipients: recipients.publicKeys,
    supervisorKeys: signers.map((s) => ({
      pseudonym: s.pseudonym,
      fingerprint: s.fingerprint,
      publicKey: s.publicKey,
    })),
    messages: msgs.map((m) => ({
      id: m.id,
      kind: m.kind,
      day: m.day,
      author: m.supervisorId ? (byId.get(m.supervisorId)?.pseudonym ?? 'Supervisor') : 'reporter',
      ciphertext: m.ciphertext,
      attachments: filesOf(m.id),
    })),
    retaliation: flags,
  };
}

export async function openAttachment(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
  attachmentId: string,
): Promise<ReadableStream<Uint8Array>> {
  await caseForActor(ctx, actor, reportId);
  const [row] = await ctx.db
    .select({ id: attachments.id })
    .from(attachments)
    .where(and(eq(attachments.id, attachmentId), eq(attachments.reportId, reportId)))
    .limit(1);
  if (!row) throw notFound('No such attachment.');
  await withAudit(ctx, {
    actorId: actor.id,
    action: 'case.attachment_open',
    unitId: actor.unitId,
    reportId,
    targetId: attachmentId,
  });
  // Streamed from the store, each message (one, or one a chunk) with the file's granted packets.
  const stream = await grantedFileStream(ctx, reportId, row.id);
  if (!stream) throw notFound('No such attachment.');
  return stream;
}

const nextMessagePosition = (reportId: string) =>
  sql`(select coalesce(max(position), -1) + 1 from messages where report_id = ${reportId})`;
const nextEventPosition = (reportId: string) =>
  sql`(select coalesce(max(position), -1) + 1 from case_events where report_id = ${reportId})`;

export async function reply(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
  ciphertext: string,
): Promise<ReplyResponse> {
  const { report } = await caseForActor(ctx, actor, reportId);
  await requireEncryptedTo(ctx, ciphertext, await recipientsFor(ctx, report, 'reply'));
  const id = newId();
  await withAudit(
    ctx,
    { actorId: actor.id, action: 'case.reply', unitId: actor.unitId, reportId, targetId: id },
    () => [
      ctx.db.insert(messages).values({
        id,
        reportId,
        position: nextMessagePosition(reportId),
        kind: 'reply',
        supervisorId: actor.id,
        ciphertext,
        day: toDay(ctx.now()),
      }),
    ],
  );
  return { messageId: id };
}

/** Recomputes the inbox order of a case from its state and open flags. */
export async function orderFor(ctx: Ctx, report: ReportRow, state: CaseState): Promise<string> {
  return sortKey({ ...report, state, openFlagDue: await openFlagDue(ctx, report.id) });
}

export async function changeState(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
  next: { state: CaseState; outcome?: CaseOutcome | undefined },
): Promise<StateResponse> {
  const { report, relation } = await caseForActor(ctx, actor, reportId);
  requireCasePowers(relation);
  if (next.state === 'received')
    throw new AppError('invalid_request', 'A case cannot go back to "received".');
  if (next.state === 'closed' && !next.outcome)
    throw new AppError('invalid_request', 'Closing a case needs an outcome.');
  if (next.state !== 'closed' && next.outcome)
    throw new AppError('invalid_request', 'Only a closed case has an outcome.');
  if (next.state === report.state && next.outcome === (report.outcome ?? undefined)) {
    throw new AppError('conflict', `The case is already "${report.state}".`);
  }
  const outcome = next.outcome ?? null;
  const key = await orderFor(ctx, report, next.state);
  const day = toDay(ctx.now());
  await withAudit(
    ctx,
    {
      actorId: actor.id,
      action: 'case.state',
      unitId: actor.unitId,
      reportId,
      detail: { from: report.state, to: next.state, outcome },
    },
    () => [
      ctx.db
        .update(reports)
        .set({ state: next.state, outcome, sortKey: key })
        .where(eq(reports.id, reportId)),
      ctx.db.insert(caseEvents).values({
        id: newId(),
        reportId,
        position: nextEventPosition(reportId),
        state: next.state,
        outcome,
        day,
      }),
    ],
  );
  return { state: next.state, outcome, day };
}

export async function classify(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
  classification: ReportCategory,
): Promise<ClassifyResponse> {
  requireCasePowers((await caseForActor(ctx, actor, reportId)).relation);
  await withAudit(
    ctx,
    {
      actorId: actor.id,
      action: 'case.classify',
      unitId: actor.unitId,
      reportId,
      detail: { classification },
    },
    () => [ctx.db.update(reports).set({ classification }).where(eq(reports.id, reportId))],
  );
  return { classification };
}
