// The closed list of audited actions. Adding one is a deliberate change, reviewed like code.

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
  'case.open',
  'case.attachment_open',
  'case.reply',
  'case.state',
  'case.classify',
  'case.export',
  'case.delete',
  'case.grant',
  'case.exclusion',
  'case.share',
  'retaliation.escalate',
  'retaliation.state',
  'audit.read',
  'stats.export',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
