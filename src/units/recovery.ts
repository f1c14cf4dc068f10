// A unit's recovery key: an offline key (often split M of N among people) that every new message
// of the unit is also encrypted to, as a reading key of role `recovery` (cases/reach.ts). Setting
// one is the administrator's approval of it; it waits, pending, for an auditor's, and the approval
// that makes it active revokes the old one in the same audited batch (supervisors/approvals.ts).
import { supervisors } from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Ctx } from '../context';
import type { RecoveryKeyResponse } from '../contract/supervisors';
import { AppError, notFound } from '../lib/errors';
import { isUniqueViolation } from '../storage/db';
import { supervisorValues } from '../supervisors/records';
import { getUnit } from './service';

export async function setRecoveryKey(
  ctx: Ctx,
  actorId: string,
  unitId: string,
  publicKey: string,
): Promise<RecoveryKeyResponse> {
  const unit = await getUnit(ctx, unitId);
  if (!unit) throw notFound('No such unit.');
  const row = await supervisorValues(ctx, {
    unitId,
    displayName: `Recovery key (${unit.name})`,
    role: 'recovery',
    status: 'pending',
    publicKey,
  });
  try {
    await withAudit(
      ctx,
      {
        actorId,
        action: 'unit.recovery_key',
        unitId,
        targetId: row.id,
        detail: { role: 'recovery', fingerprint: row.fingerprint, side: 'admin' },
      },
      () => [ctx.db.insert(supervisors).values(row)],
    );
  } catch (err) {
    if (isUniqueViolation(err, 'supervisors'))
      throw new AppError('conflict', 'This key is already enrolled.');
    throw err;
  }
  return { id: row.id, unitId, fingerprint: row.fingerprint, status: row.status };
}
