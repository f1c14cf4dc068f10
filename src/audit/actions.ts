// The closed list of audited actions. Adding one is a deliberate change, reviewed like code.
// `audit verify` replays some of them to check the database against the log (reconcile.ts).

export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_out',
  'supervisor.enrol',
  'supervisor.approve',
  'supervisor.reject',
  'supervisor.revoke',
  'admin.create',
  'unit.create',
  'unit.update',
  'unit.recovery_key',
  /** A case's arrival: its id, unit, copy and day, chained after its day has ended (arrivals.ts). */
  'case.arrive',
  /** Every arrival up to and including `detail.through` is in the log. */
  'case.arrivals',
  'case.open',
  'case.attachment_open',
  'case.reply',
  'case.state',
  'case.classify',
  'case.export',
  /** Written by retention when it deletes a case (reconcile.ts accepts the case's absence). */
  'case.delete',
  'case.delete_request',
  'case.hold_request',
  'case.hold',
  'case.hold_release',
  'case.grant',
  'case.exclusion',
  'case.share',
  'retaliation.escalate',
  'retaliation.state',
  'notify.register',
  'notify.verify',
  /** A person read a list of cases (`detail.list`: inbox, retaliation, retention): once per person, list and day. */
  'case.list',
  /** A read of the audit log or of a case's access list. */
  'audit.read',
  /** An auditor's signed checkpoint of the head (checkpoints.ts). */
  'audit.checkpoint',
  'stats.export',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
