// Who has had access to a case's content, read from the audit trail: for leak tracing by the
// unit, and (as dates and pseudonyms only) for the reporter's own view.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { auditLog, supervisors } from '../../db/schema';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { toDay } from '../lib/days';
import { caseForActor } from './access';

const ACCESS_ACTIONS = ['case.open', 'case.attachment_open', 'case.export'] as const;

async function accessEntries(ctx: Ctx, reportId: string, actions: readonly string[]) {
  return ctx.db
    .select({
      seq: auditLog.seq,
      at: auditLog.at,
      action: auditLog.action,
      actorId: auditLog.actorId,
      unitId: auditLog.unitId,
      pseudonym: supervisors.pseudonym,
      displayName: supervisors.displayName,
    })
    .from(auditLog)
    .leftJoin(supervisors, eq(auditLog.actorId, supervisors.id))
    .where(and(eq(auditLog.reportId, reportId), inArray(auditLog.action, [...actions])))
    .orderBy(asc(auditLog.seq));
}

/** Every opening, attachment download and export of a case, with who did it and when. */
export async function caseAccessList(ctx: Ctx, actor: Actor, reportId: string) {
  await caseForActor(ctx, actor, reportId);
  const rows = await accessEntries(ctx, reportId, ACCESS_ACTIONS);
  return {
    entries: rows.map((r) => ({
      auditSeq: r.seq,
      at: new Date(r.at * 1000).toISOString(),
      action: r.action,
      unitId: r.unitId,
      supervisor: r.displayName ?? 'operator',
      pseudonym: r.pseudonym ?? 'operator',
    })),
  };
}

/** What the reporter sees: the days their case was opened, and by which pseudonymous supervisor. */
export async function openingsForReporter(ctx: Ctx, reportId: string) {
  const rows = await accessEntries(ctx, reportId, ['case.open']);
  const seen = new Set<string>();
  const out: { day: string; by: string }[] = [];
  for (const r of rows) {
    const entry = { day: toDay(new Date(r.at * 1000)), by: r.pseudonym ?? 'operator' };
    const key = `${entry.day}|${entry.by}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(entry);
    }
  }
  return out;
}
