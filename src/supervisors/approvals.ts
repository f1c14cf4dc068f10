// Four eyes: a key that reads cases (supervisor, recovery) or administers (admin) becomes active
// only once an administrator AND an auditor have approved it. The approvals are audit entries
// (detail.side), so the log is the record and `audit verify` can replay it (audit/reconcile.ts).
//
// Why an administrator and an auditor, not two administrators: administrators sit in the same
// chain of command, often in the same office, and one of them may be the problem; auditors are
// outside oversight, never read content, and are the people who later verify the trail. Two
// roles held by different people in different bodies are harder to bend together than two
// colleagues. The command line's operator approves on the administrator side.
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog } from '../../db/schema';
import type { Ctx } from '../context';

export type Side = 'admin' | 'auditor';

/** Entries that carry an approval of a key (targetId = the supervisor row). */
export const APPROVAL_ACTIONS = [
  'supervisor.approve',
  'admin.create',
  'unit.recovery_key',
] as const;

/** Roles that need both sides before they are active. Every role does. */
export const NEEDS_TWO = ['supervisor', 'recovery', 'admin', 'auditor'] as const;

export interface Approval {
  actorId: string | null;
  /** `legacy`: an approval written before four eyes, when one sufficed (it has no side). */
  side: Side | 'bootstrap' | 'legacy';
  fingerprint: string | null;
}

/** Reads an approval out of an entry's detail; null when the entry approves nothing. */
export function approvalOf(entry: {
  action: string;
  actorId: string | null;
  detail: string;
}): Approval | null {
  if (!(APPROVAL_ACTIONS as readonly string[]).includes(entry.action)) return null;
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(entry.detail) as Record<string, unknown>;
  } catch {
    return null;
  }
  const side = d.side ?? (entry.action === 'supervisor.enrol' ? null : 'legacy');
  if (side !== 'admin' && side !== 'auditor' && side !== 'bootstrap' && side !== 'legacy')
    return null;
  return {
    actorId: entry.actorId,
    side,
    fingerprint: typeof d.fingerprint === 'string' ? d.fingerprint : null,
  };
}

/** True when the approvals make a key active: a bootstrap, or both sides by different people. */
export function approvalsComplete(approvals: Approval[], fingerprint: string): boolean {
  if (approvals.some((a) => a.side === 'legacy')) return true;
  const valid = approvals.filter((a) => a.fingerprint === fingerprint);
  if (valid.some((a) => a.side === 'bootstrap')) return true;
  const admin = valid.filter((a) => a.side === 'admin');
  const auditor = valid.filter((a) => a.side === 'auditor');
  return admin.some((a) => auditor.some((b) => b.actorId !== a.actorId));
}

/** The approvals the log holds for one key. */
export async function approvalsFor(ctx: Ctx, supervisorId: string): Promise<Approval[]> {
  const rows = await ctx.db
    .select({ action: auditLog.action, actorId: auditLog.actorId, detail: auditLog.detail })
    .from(auditLog)
    .where(
      and(eq(auditLog.targetId, supervisorId), inArray(auditLog.action, [...APPROVAL_ACTIONS])),
    );
  return rows.map(approvalOf).filter((a): a is Approval => a !== null);
}
