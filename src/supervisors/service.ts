// Enrolment and approval of supervisors' keys, and unit management: every step audited.
import { and, asc, eq } from 'drizzle-orm';
import { supervisors, type UNIT_LEVELS, units } from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { isUniqueViolation } from '../storage/db';
import { getUnit } from '../units/service';
import { type Role, type SupervisorRow, supervisorValues } from './records';

export const supervisorView = (s: SupervisorRow) => ({
  id: s.id,
  unitId: s.unitId,
  displayName: s.displayName,
  role: s.role,
  status: s.status,
  fingerprint: s.fingerprint,
  pseudonym: s.pseudonym,
  keyExpiresAt: s.keyExpiresAt ? new Date(s.keyExpiresAt * 1000).toISOString() : null,
  enrolledAt: new Date(s.createdAt * 1000).toISOString(),
});

async function insertSupervisor(
  ctx: Ctx,
  row: SupervisorRow,
  actorId: string | null,
  action: 'supervisor.enrol' | 'admin.create',
) {
  try {
    await withAudit(
      ctx,
      {
        actorId: actorId ?? row.id,
        action,
        unitId: row.unitId,
        targetId: row.id,
        detail: { role: row.role },
      },
      () => [ctx.db.insert(supervisors).values(row)],
    );
  } catch (err) {
    if (isUniqueViolation(err, 'supervisors'))
      throw new AppError('conflict', 'This key is already enrolled.');
    throw err;
  }
  return supervisorView(row);
}

/** A person submits their public key to join a unit; it waits for an administrator. */
export async function enrol(
  ctx: Ctx,
  input: { unitId: string; displayName: string; publicKey: string; role?: Role },
) {
  if (!(await getUnit(ctx, input.unitId))) throw notFound('No such unit.');
  const row = await supervisorValues(ctx, {
    ...input,
    role: input.role ?? 'supervisor',
    status: 'pending',
  });
  return insertSupervisor(ctx, row, null, 'supervisor.enrol');
}

/** The operator's way in: an approved administrator straight from a public key (CLI only). */
export async function createAdministrator(
  ctx: Ctx,
  operatorId: string,
  input: { unitId: string; displayName: string; publicKey: string; role?: Role },
) {
  if (!(await getUnit(ctx, input.unitId))) throw notFound('No such unit.');
  const row = await supervisorValues(ctx, {
    ...input,
    role: input.role ?? 'admin',
    status: 'approved',
  });
  return insertSupervisor(ctx, row, operatorId, 'admin.create');
}

export async function listSupervisors(
  ctx: Ctx,
  filter: { status?: SupervisorRow['status'] | undefined; unitId?: string | undefined },
) {
  const rows = await ctx.db
    .select()
    .from(supervisors)
    .where(
      and(
        filter.status ? eq(supervisors.status, filter.status) : undefined,
        filter.unitId ? eq(supervisors.unitId, filter.unitId) : undefined,
      ),
    )
    .orderBy(asc(supervisors.createdAt));
  return rows.map(supervisorView);
}

const DECISIONS = {
  approve: { from: ['pending'], to: 'approved', action: 'supervisor.approve' },
  reject: { from: ['pending'], to: 'rejected', action: 'supervisor.reject' },
  revoke: { from: ['approved'], to: 'revoked', action: 'supervisor.revoke' },
} as const;

export type Decision = keyof typeof DECISIONS;

/** Approve, reject or revoke. Approval re-checks the key, which may have expired while pending. */
export async function decide(ctx: Ctx, actorId: string, supervisorId: string, decision: Decision) {
  const [row] = await ctx.db
    .select()
    .from(supervisors)
    .where(eq(supervisors.id, supervisorId))
    .limit(1);
  if (!row) throw notFound('No such supervisor.');
  const rule = DECISIONS[decision];
  if (!(rule.from as readonly string[]).includes(row.status)) {
    throw new AppError('conflict', `A ${row.status} enrolment cannot be ${rule.to}.`);
  }
  if (decision === 'approve') await supervisorValues(ctx, { ...row, status: 'approved' });
  await withAudit(
    ctx,
    {
      actorId,
      action: rule.action,
      unitId: row.unitId,
      targetId: row.id,
      detail: { role: row.role },
    },
    () => [
      ctx.db.update(supervisors).set({ status: rule.to }).where(eq(supervisors.id, supervisorId)),
    ],
  );
  return supervisorView({ ...row, status: rule.to });
}

export interface NewUnit {
  name: string;
  nameZh: string;
  level: (typeof UNIT_LEVELS)[number];
  parentId: string | null;
  publishStats?: boolean;
}

export async function createUnit(ctx: Ctx, actor: Pick<Actor, 'id'>, input: NewUnit) {
  if (input.parentId && !(await getUnit(ctx, input.parentId)))
    throw notFound('No such parent unit.');
  const id = newId();
  await withAudit(
    ctx,
    { actorId: actor.id, action: 'unit.create', unitId: id, detail: { level: input.level } },
    () => [
      ctx.db.insert(units).values({
        id,
        name: input.name,
        nameZh: input.nameZh,
        level: input.level,
        parentId: input.parentId,
        publishStats: input.publishStats ?? false,
      }),
    ],
  );
  return { id, ...input };
}
