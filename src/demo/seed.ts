// The clearly marked demo hierarchy made on first start outside production: three units, one
// demo supervisor key each. Runtime-neutral; the caller makes the keys and keeps the private ones.
import { count } from 'drizzle-orm';
import { supervisors, units } from '../../db/schema';
import { type AuditEvent, withAuditMany } from '../audit/service';
import { OPERATOR_ACTOR_ID } from '../auth/actor';
import type { Ctx } from '../context';
import { generateDemoKey } from '../crypto';
import { newId } from '../lib/ids';
import { type SupervisorRow, supervisorValues } from '../supervisors/records';

export const DEMO_PASSPHRASE = 'demo-only-not-secret';

const DEMO_UNITS = [
  {
    slug: 'provincial',
    level: 'provincial',
    name: 'DEMO Provincial High Court — Supervision Office',
    nameZh: '演示：省高级人民法院督察处',
  },
  {
    slug: 'intermediate',
    level: 'intermediate',
    name: 'DEMO City Intermediate Court — Supervision Office',
    nameZh: '演示：市中级人民法院督察室',
  },
  {
    slug: 'basic',
    level: 'basic',
    name: 'DEMO District Basic Court — Supervision Office',
    nameZh: '演示：区基层人民法院督察室',
  },
] as const;

export interface DemoKey {
  /** File name stem: `basic-supervisor`, `admin`, `auditor`, … */
  name: string;
  role: 'supervisor' | 'admin' | 'auditor';
  unitSlug: string;
  unitName: string;
  fingerprint: string;
  privateKey: string;
  publicKey: string;
}

export async function isEmpty(ctx: Ctx): Promise<boolean> {
  const [row] = await ctx.db.select({ n: count() }).from(units);
  return (row?.n ?? 0) === 0;
}

export async function hasDemoUnits(ctx: Ctx): Promise<boolean> {
  const rows = await ctx.db.select({ isDemo: units.isDemo }).from(units);
  return rows.some((r) => r.isDemo);
}

const ROLE_WORDS: Record<DemoKey['role'], string> = {
  supervisor: 'supervisor',
  admin: 'administrator',
  auditor: 'auditor',
};

/** The README.txt beside the demo keys: each key's file, unit, role and fingerprint. */
export function demoKeysReadme(keys: DemoKey[], heading: string): string {
  return [
    heading,
    `Passphrase of every demo private key: ${DEMO_PASSPHRASE}`,
    '',
    ...keys.map(
      (k) =>
        `${k.name}.private.asc  (${ROLE_WORDS[k.role]}, ${k.unitName})\n  fingerprint ${k.fingerprint}`,
    ),
    '',
  ].join('\n');
}

const demoApproval = (row: SupervisorRow): AuditEvent => ({
  actorId: OPERATOR_ACTOR_ID,
  action: 'admin.create',
  unitId: row.unitId,
  targetId: row.id,
  detail: { role: row.role, fingerprint: row.fingerprint, side: 'bootstrap', demo: true },
});

/** Creates the demo units and supervisors; returns the private keys for the caller to store. */
export async function seedDemo(ctx: Ctx): Promise<DemoKey[]> {
  const keys: DemoKey[] = [];
  let parentId: string | null = null;
  for (const unit of DEMO_UNITS) {
    const id = newId();
    const key = await generateDemoKey(`Demo supervisor (${unit.slug})`, DEMO_PASSPHRASE);
    const supervisor = await supervisorValues(ctx, {
      unitId: id,
      displayName: `Demo supervisor (${unit.slug})`,
      role: 'supervisor',
      status: 'approved',
      publicKey: key.publicKey,
    });
    // Audited like the operator's own setup, so `audit verify` reconciles a demo database too;
    // the demo's keys are approved in one step (`bootstrap`), which production refuses.
    await withAuditMany(
      ctx,
      [
        {
          actorId: OPERATOR_ACTOR_ID,
          action: 'unit.create',
          unitId: id,
          detail: { level: unit.level, parentId, demo: true },
        },
        demoApproval(supervisor),
      ],
      () => [
        ctx.db.insert(units).values({
          id,
          parentId,
          name: unit.name,
          nameZh: unit.nameZh,
          level: unit.level,
          isDemo: true,
          publishStats: true,
        }),
        ctx.db.insert(supervisors).values(supervisor),
      ],
    );
    keys.push({
      name: `${unit.slug}-supervisor`,
      role: 'supervisor',
      unitSlug: unit.slug,
      unitName: unit.name,
      fingerprint: supervisor.fingerprint,
      ...key,
    });
    if (unit.slug === 'provincial') {
      // The top unit also gets a demo administrator and auditor, to try approvals and the audit view.
      for (const role of ['admin', 'auditor'] as const) {
        const roleKey = await generateDemoKey(`Demo ${role}`, DEMO_PASSPHRASE);
        const person = await supervisorValues(ctx, {
          unitId: id,
          displayName: `Demo ${role}`,
          role,
          status: 'approved',
          publicKey: roleKey.publicKey,
        });
        await withAuditMany(ctx, [demoApproval(person)], () => [
          ctx.db.insert(supervisors).values(person),
        ]);
        keys.push({
          name: role,
          role,
          unitSlug: unit.slug,
          unitName: unit.name,
          fingerprint: person.fingerprint,
          ...roleKey,
        });
      }
    }
    parentId = id;
  }
  return keys;
}
