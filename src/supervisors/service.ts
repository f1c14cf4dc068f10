// Enrolment and approval of supervisors' keys, and unit management: every step audited.
import { and, asc, eq } from 'drizzle-orm';
import { supervisors, type UNIT_LEVELS, units } from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import type { Ctx } from '../context';
import { unitHealth } from '../contract/reach';
import type {
  AdminUnit,
  CreatedUnit,
  DecisionResponse,
  SupervisorRecord,
} from '../contract/supervisors';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { isUniqueViolation } from '../storage/db';
import { getUnit, listUnits } from '../units/service';
import { approvalsComplete, approvalsFor, type Side } from './approvals';
import { type Role, type SupervisorRow, supervisorValues } from './records';

export const supervisorView = (s: SupervisorRow): SupervisorRecord => ({
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
  side?: 'admin' | 'bootstrap',
) {
  try {
    await withAudit(
      ctx,
      {
        actorId: actorId ?? row.id,
        action,
        unitId: row.unitId,
        targetId: row.id,
        detail: { role: row.role, fingerprint: row.fingerprint, ...(side ? { side } : {}) },
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

/** True while no approved administrator exists: the portal's very first one is a bootstrap. */
async function firstAdministrator(ctx: Ctx): Promise<boolean> {
  const [any] = await ctx.db
    .select({ id: supervisors.id })
    .from(supervisors)
    .where(and(eq(supervisors.role, 'admin'), eq(supervisors.status, 'approved')))
    .limit(1);
  return !any;
}

/**
 * The operator's way in (CLI only). The portal's first administrator is approved at once, in one
 * audited step (`side: bootstrap`); after that the operator's key counts as the administrator's
 * approval and the key waits, pending, for an auditor's (approvals.ts).
 */
export async function createAdministrator(
  ctx: Ctx,
  operatorId: string,
  input: { unitId: string; displayName: string; publicKey: string; role?: Role },
) {
  if (!(await getUnit(ctx, input.unitId))) throw notFound('No such unit.');
  const role = input.role ?? 'admin';
  const bootstrap = role === 'admin' && (await firstAdministrator(ctx));
  const row = await supervisorValues(ctx, {
    ...input,
    role,
    status: bootstrap ? 'approved' : 'pending',
  });
  return insertSupervisor(ctx, row, operatorId, 'admin.create', bootstrap ? 'bootstrap' : 'admin');
}

export async function listSupervisors(
  ctx: Ctx,
  filter: { status?: SupervisorRow['status'] | undefined; unitId?: string | undefined },
): Promise<SupervisorRecord[]> {
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

/** Who decides: an administrator, an auditor (approvals only) or the CLI operator. */
export type Decider = Pick<Actor, 'id' | 'role'>;

/**
 * Approve, reject or revoke. An approval is one of two (approvals.ts): the key turns `approved`
 * with the second side's approval; until then it stays pending with the first recorded. Approval
 * re-checks the key, which may have expired while pending.
 */
export async function decide(
  ctx: Ctx,
  by: Decider,
  supervisorId: string,
  decision: Decision,
): Promise<DecisionResponse> {
  if (by.role !== 'admin' && decision !== 'approve')
    throw new AppError('forbidden', 'Only an administrator can reject or revoke a key.');
  if (by.role !== 'admin' && by.role !== 'auditor')
    throw new AppError('forbidden', 'Only an administrator or an auditor can approve a key.');
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
  if (decision !== 'approve') {
    await withAudit(
      ctx,
      {
        actorId: by.id,
        action: rule.action,
        unitId: row.unitId,
        targetId: row.id,
        detail: { role: row.role, fingerprint: row.fingerprint },
      },
      () => [
        ctx.db.update(supervisors).set({ status: rule.to }).where(eq(supervisors.id, supervisorId)),
      ],
    );
    return { ...supervisorView({ ...row, status: rule.to }), approvals: [] as Side[] };
  }
  return approve(ctx, by, row);
}

async function approve(ctx: Ctx, by: Decider, row: SupervisorRow) {
  await supervisorValues(ctx, { ...row, status: 'approved' });
  const side: Side = by.role === 'auditor' ? 'auditor' : 'admin';
  const earlier = (await approvalsFor(ctx, row.id)).filter(
    (a) => a.fingerprint === row.fingerprint,
  );
  if (earlier.some((a) => a.actorId === by.id))
    throw new AppError(
      'conflict',
      'You have already approved this key. It becomes active only when an administrator and an auditor have both approved it.',
    );
  if (earlier.some((a) => a.side === side))
    throw new AppError(
      'conflict',
      side === 'admin'
        ? 'An administrator has already approved this key; it now needs an auditor’s approval.'
        : 'An auditor has already approved this key; it now needs an administrator’s approval.',
    );
  const all = [...earlier, { actorId: by.id, side, fingerprint: row.fingerprint }];
  const complete = approvalsComplete(all, row.fingerprint);
  const status = complete ? 'approved' : 'pending';
  await withAudit(
    ctx,
    {
      actorId: by.id,
      action: 'supervisor.approve',
      unitId: row.unitId,
      targetId: row.id,
      detail: { role: row.role, fingerprint: row.fingerprint, side, active: complete },
    },
    () =>
      complete
        ? [
            // A unit has one recovery key: the one that becomes active retires the one before.
            ...(row.role === 'recovery'
              ? [
                  ctx.db
                    .update(supervisors)
                    .set({ status: 'revoked' })
                    .where(
                      and(
                        eq(supervisors.unitId, row.unitId),
                        eq(supervisors.role, 'recovery'),
                        eq(supervisors.status, 'approved'),
                      ),
                    ),
                ]
              : []),
            ctx.db
              .update(supervisors)
              .set({ status: 'approved' })
              .where(and(eq(supervisors.id, row.id), eq(supervisors.status, 'pending'))),
          ]
        : [],
  );
  return {
    ...supervisorView({ ...row, status }),
    approvals: all.map((a) => a.side as Side | 'bootstrap'),
  };
}

export interface NewUnit {
  name: string;
  nameZh: string;
  level: (typeof UNIT_LEVELS)[number];
  parentId: string | null;
  publishStats?: boolean;
}

export async function createUnit(
  ctx: Ctx,
  actor: Pick<Actor, 'id'>,
  input: NewUnit,
): Promise<CreatedUnit> {
  if (input.parentId && !(await getUnit(ctx, input.parentId)))
    throw notFound('No such parent unit.');
  const id = newId();
  await withAudit(
    ctx,
    {
      actorId: actor.id,
      action: 'unit.create',
      unitId: id,
      detail: { level: input.level, parentId: input.parentId },
    },
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

/** Every unit with how many people read it and whether it has a recovery key, for administrators. */
export async function adminUnits(ctx: Ctx): Promise<AdminUnit[]> {
  return (await listUnits(ctx)).map(({ keys, ...u }) => ({ ...u, ...unitHealth(keys) }));
}
