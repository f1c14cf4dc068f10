// The reporter's view of their case: state, dated history and every message as ciphertext.
import { and, asc, eq, inArray } from 'drizzle-orm';
import {
  attachments,
  caseEvents,
  messages,
  retaliationFlags,
  supervisors,
  units,
} from '../../db/schema';
import { openingsForReporter } from '../cases/openings';
import type { Ctx } from '../context';
import { recipientSet } from '../reports/recipients';
import { messageUnits, type ReportRow, retaliationUnits } from './access';

async function unitSummaries(ctx: Ctx, ids: string[]) {
  const rows = await ctx.db
    .select({ id: units.id, name: units.name, nameZh: units.nameZh })
    .from(units)
    .where(inArray(units.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Keys that may sign replies: every approved (or since revoked) supervisor of the units. */
async function signingKeys(ctx: Ctx, unitIds: string[]): Promise<string[]> {
  const rows = await ctx.db
    .select({ publicKey: supervisors.publicKey })
    .from(supervisors)
    .where(
      and(
        inArray(supervisors.unitId, unitIds),
        inArray(supervisors.status, ['approved', 'revoked']),
      ),
    );
  return rows.map((r) => r.publicKey);
}

export async function reporterView(ctx: Ctx, report: ReportRow) {
  const [history, msgs, files, flags, openings] = await Promise.all([
    ctx.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.reportId, report.id))
      .orderBy(asc(caseEvents.position)),
    ctx.db
      .select()
      .from(messages)
      .where(eq(messages.reportId, report.id))
      .orderBy(asc(messages.position)),
    ctx.db.select().from(attachments).where(eq(attachments.reportId, report.id)),
    ctx.db.select().from(retaliationFlags).where(eq(retaliationFlags.reportId, report.id)),
    openingsForReporter(ctx, report.id),
  ]);
  const flagUnits = await retaliationUnits(ctx, report);
  const names = await unitSummaries(ctx, flagUnits);
  const [forMessages, forRetaliation, verify] = await Promise.all([
    recipientSet(ctx, messageUnits(report), report.reporterPublicKey).catch(() => null),
    recipientSet(ctx, flagUnits, report.reporterPublicKey).catch(() => null),
    signingKeys(ctx, flagUnits),
  ]);
  return {
    unit: names.get(report.unitId) ?? null,
    copiedUnit: report.copiedUnitId ? (names.get(report.copiedUnitId) ?? null) : null,
    state: report.state,
    outcome: report.outcome,
    receivedDay: report.receivedDay,
    retaliationFlagged: report.retaliationFlagged,
    history: history.map((h) => ({ state: h.state, outcome: h.outcome, day: h.day })),
    reporterPublicKey: report.reporterPublicKey,
    reporterLockedKey: report.reporterLockedKey,
    recipients: {
      messages: forMessages?.publicKeys ?? [],
      retaliation: forRetaliation?.publicKeys ?? [],
    },
    unitSigningKeys: verify,
    messages: msgs.map((m) => ({
      id: m.id,
      kind: m.kind,
      author: m.kind === 'reply' ? ('unit' as const) : ('reporter' as const),
      day: m.day,
      ciphertext: m.ciphertext,
      attachments: files
        .filter((f) => f.messageId === m.id)
        .map((f) => ({ id: f.id, size: f.size })),
    })),
    openings,
    retaliation: flags.map((f) => ({
      id: f.id,
      messageId: f.messageId,
      state: f.state,
      day: f.day,
      dueBy: f.dueBy,
    })),
  };
}
