// `portal unit …`: create a supervision unit, and show the unit tree with IDs and key counts.
import { UNIT_LEVELS } from '../../db/schema';
import { OPERATOR_ACTOR_ID } from '../auth/actor';
import { unitHealth } from '../contract/reach';
import { createUnit } from '../supervisors/service';
import { listUnits, type UnitView } from '../units/service';
import {
  type Command,
  DB_HELP,
  DB_OPTION,
  oneOf,
  optionalString,
  print,
  requireString,
  withCtx,
} from './io';

const create: Command = {
  usage: 'unit create --name NAME --name-zh NAME --level LEVEL [--parent ID] [--publish-stats]',
  summary: 'create a supervision unit (audited as the operator)',
  details: [
    '--name NAME       English name, e.g. "City Intermediate Court — Supervision Office"',
    '--name-zh NAME    Chinese name, e.g. "市中级人民法院督察室"',
    `--level LEVEL     one of: ${UNIT_LEVELS.join(', ')}`,
    '--parent ID       the unit directly above (see `unit list`)',
    '--publish-stats   publish this unit’s quarterly statistics',
    DB_HELP,
  ],
  options: {
    name: { type: 'string' },
    'name-zh': { type: 'string' },
    level: { type: 'string' },
    parent: { type: 'string' },
    'publish-stats': { type: 'boolean' },
    ...DB_OPTION,
  },
  async run({ values }, io) {
    const input = {
      name: requireString(values, 'name'),
      nameZh: requireString(values, 'name-zh'),
      level: oneOf(requireString(values, 'level'), UNIT_LEVELS, '--level'),
      parentId: optionalString(values, 'parent') ?? null,
      publishStats: values['publish-stats'] === true,
    };
    const unit = await withCtx(io, optionalString(values, 'db'), (ctx) =>
      createUnit(ctx, { id: OPERATOR_ACTOR_ID }, input),
    );
    print(io.stdout, `created unit ${unit.id} (${unit.level}) ${unit.name}`);
    return 0;
  },
};

/** Lines of the tree: each unit under its parent, orphans (unknown parent) at the top level. */
export function unitTree(units: UnitView[]): string[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<string | null, UnitView[]>();
  for (const u of units) {
    const parent = u.parentId && ids.has(u.parentId) ? u.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const u of children.get(parent) ?? []) {
      const demo = u.isDemo ? ' [DEMO]' : '';
      const health = unitHealth(u.keys);
      const risk = health.atRisk ? '  AT RISK: fewer than two readers and no recovery key' : '';
      lines.push(
        `${'  '.repeat(depth)}${u.id}  ${u.level}  readers=${health.readers}  recovery=${health.hasRecoveryKey ? 'yes' : 'no'}  ${u.name} / ${u.nameZh}${demo}${risk}`,
      );
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return lines;
}

const list: Command = {
  usage: 'unit list',
  summary:
    'show the unit tree: ID, level, active readers, recovery key, names; flags units at risk',
  details: [DB_HELP],
  options: { ...DB_OPTION },
  async run({ values }, io) {
    const units = await withCtx(io, optionalString(values, 'db'), (ctx) => listUnits(ctx));
    if (units.length === 0) print(io.stdout, 'no units yet (create one with `unit create`)');
    for (const line of unitTree(units)) print(io.stdout, line);
    return 0;
  },
};

export const unitCommands: Record<string, Command> = { create, list };
