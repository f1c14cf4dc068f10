// The reporter's view of their case: state, dated history, every message as ciphertext, the keys
// to write to, and who has opened it. Kept to a handful of indexed reads and no key parsing,
// since it is the request a flood of look-ups hits.
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { supervisors, units } from '../../db/schema';
import { openingsForReporter } from '../cases/openings';
import { caseRecords } from '../cases/records';
import type { Ctx } from '../context';
import { recipientsFrom, reporterKeyOf } from '../reports/recipients';
import type { UnitKey } from '../units/service';
import type { ReportRow } from './access';

/** The addressed unit, any copied unit, and the unit above: one read. */
async function caseUnitRows(ctx: Ctx, report: ReportRow) {
  const parent = sql`(select ${units.parentId} from ${units} where ${units.id} = ${report.unitId})`;
  return ctx.db
    .select({ id: units.id, name: units.name, nameZh: units.nameZh })
    .from(units)
    .where(
      or(
        inArray(
          units.id,
          report.copiedUnitId ? [report.unitId, report.copiedUnitId] : [report.unitId],
        ),
        eq(units.id, parent),
      ),
    );
}

/** Supervisors' keys of the units: active ones to write to, and every one that may have signed. */
async function unitKeys(ctx: Ctx, unitIds: string[]) {
  const rows = await ctx.db
    .select()
    .from(supervisors)
    .where(
      and(
        inArray(supervisors.unitId, unitIds),
        eq(supervisors.role, 'supervisor'),
        inArray(supervisors.status, ['approved', 'revoked']),
      ),
    )
    .orderBy(supervisors.fingerprint);
  const now = Math.floor(ctx.now().getTime() / 1000);
  const active = new Map<string, UnitKey[]>();
  for (const r of rows) {
    if (r.status !== 'approved' || (r.keyExpiresAt !== null && r.keyExpiresAt <= now)) continue;
    const list = active.get(r.unitId) ?? [];
    list.push({
      fingerprint: r.fingerprint,
      publicKey: r.publicKey,
      encryptionKeyIds: JSON.parse(r.encryptionKeyIds) as string[],
      expiresAt: null,
    });
    active.set(r.unitId, list);
  }
  return { active, signing: rows.map((r) => r.publicKey) };
}

export async function reporterView(ctx: Ctx, report: ReportRow) {
  const unitRows = await caseUnitRows(ctx, report);
  const names = new Map(unitRows.map((u) => [u.id, u]));
  const messageUnitIds = report.copiedUnitId
    ? [report.unitId, report.copiedUnitId]
    : [report.unitId];
  const flagUnitIds = [
    ...messageUnitIds,
    ...unitRows.map((u) => u.id).filter((id) => !messageUnitIds.includes(id)),
  ];
  const [{ history, messages: msgs, filesOf, flags }, openings, keys] = await Promise.all([
    caseRecords(ctx, report.id),
    openingsForReporter(ctx, report.id),
    unitKeys(ctx, flagUnitIds),
  ]);
  const reporter = reporterKeyOf(report);
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
      messages: recipientsFrom(messageUnitIds, keys.active, reporter).publicKeys,
      retaliation: recipientsFrom(flagUnitIds, keys.active, reporter).publicKeys,
    },
    unitSigningKeys: keys.signing,
    messages: msgs.map((m) => ({
      id: m.id,
      kind: m.kind,
      author: m.kind === 'reply' ? ('unit' as const) : ('reporter' as const),
      day: m.day,
      ciphertext: m.ciphertext,
      attachments: filesOf(m.id),
    })),
    openings,
    retaliation: flags,
  };
}
