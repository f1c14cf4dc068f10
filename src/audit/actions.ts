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
  'case.delete_request',
  'case.hold_request',
  'case.hold',
  'case.hold_release',
  'case.grant',
  'retaliation.state',
  'notify.register',
  'notify.verify',
  'audit.read',
  'stats.export',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
