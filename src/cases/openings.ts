// Who has had access to a case's content, read from the audit trail: for leak tracing by the
// unit. The reporter's own view lists openings as dates and pseudonyms (`receipts/view.ts`).
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import { auditLog, supervisors } from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import type { AccessList } from '../contract/cases';
import { caseForActor } from './reach';

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
    .where(
      and(
        eq(auditLog.reportId, reportId),
        inArray(auditLog.action, [...actions]),
        // Only entries of the chain: a row slipped in with seq ≤ 0 is no trace of anything.
        gt(auditLog.seq, 0),
      ),
    )
    .orderBy(asc(auditLog.seq));
}

/** Every opening, attachment download and export of a case, with who did it and when. */
export async function caseAccessList(
  ctx: Ctx,
  actor: Actor,
  reportId: string,
): Promise<AccessList> {
  await caseForActor(ctx, actor, reportId);
  // Reading who read a case is itself a read: it is recorded before anything is answered.
  await withAudit(ctx, {
    actorId: actor.id,
    action: 'audit.read',
    unitId: actor.unitId,
    reportId,
    detail: { what: 'access_list' },
  });
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
