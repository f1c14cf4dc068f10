// `portal admin create` and `portal supervisor …`: people and their keys, every step audited
// under the operator's actor ID.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PERSON_ROLES, SUPERVISOR_STATUSES } from '../../db/schema';
import { OPERATOR_ACTOR_ID } from '../auth/actor';
import {
  createAdministrator,
  type Decision,
  decide,
  listSupervisors,
} from '../supervisors/service';
import {
  CliFailure,
  type Command,
  DB_HELP,
  DB_OPTION,
  oneOf,
  optionalString,
  print,
  requireString,
  withCtx,
} from './io';

export async function readKeyFile(cwd: string, file: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new CliFailure(`cannot read key file ${file}: ${(err as Error).message}`);
  }
}

const adminCreate: Command = {
  usage: 'admin create --unit ID --name NAME --key FILE [--role admin|auditor|supervisor]',
  summary:
    'add a person from their armored OpenPGP public key: the first administrator at once, anyone else pending an auditor’s approval',
  details: [
    '--unit ID       the unit they belong to (see `unit list`)',
    '--name NAME     display name, seen by administrators and in the audit trail',
    '--key FILE      armored public key (gpg --armor --export …); weak or expired keys are refused',
    '--role ROLE     admin (default), auditor, or supervisor (a reading key of the unit)',
    DB_HELP,
  ],
  options: {
    unit: { type: 'string' },
    name: { type: 'string' },
    key: { type: 'string' },
    role: { type: 'string' },
    ...DB_OPTION,
  },
  async run({ values }, io) {
    const unitId = requireString(values, 'unit');
    const displayName = requireString(values, 'name');
    const keyFile = requireString(values, 'key');
    const role = oneOf(optionalString(values, 'role') ?? 'admin', PERSON_ROLES, '--role');
    const publicKey = await readKeyFile(io.cwd, keyFile);
    const person = await withCtx(io, optionalString(values, 'db'), (ctx) =>
      createAdministrator(ctx, OPERATOR_ACTOR_ID, { unitId, displayName, publicKey, role }),
    );
    print(
      io.stdout,
      `created ${person.role} ${person.id} (${person.displayName}), key ${person.fingerprint}, ${person.status === 'approved' ? 'approved' : 'pending an auditor’s approval'}`,
    );
    return 0;
  },
};

const list: Command = {
  usage: 'supervisor list [--status STATUS] [--unit ID]',
  summary: 'list enrolled people and their keys',
  details: [`--status STATUS  one of: ${SUPERVISOR_STATUSES.join(', ')}`, '--unit ID', DB_HELP],
  options: { status: { type: 'string' }, unit: { type: 'string' }, ...DB_OPTION },
  async run({ values }, io) {
    const status = optionalString(values, 'status');
    const filter = {
      status: status ? oneOf(status, SUPERVISOR_STATUSES, '--status') : undefined,
      unitId: optionalString(values, 'unit'),
    };
    const rows = await withCtx(io, optionalString(values, 'db'), (ctx) =>
      listSupervisors(ctx, filter),
    );
    if (rows.length === 0) print(io.stdout, 'no matching enrolments');
    for (const s of rows) {
      print(
        io.stdout,
        `${s.id}  ${s.status}  ${s.role}  unit=${s.unitId}  ${s.fingerprint}  ${s.displayName}`,
      );
    }
    return 0;
  },
};

function decision(name: Decision, summary: string): Command {
  return {
    usage: `supervisor ${name} ID`,
    summary,
    details: ['ID      the enrolment ID (see `supervisor list`)', DB_HELP],
    options: { ...DB_OPTION },
    positionals: ['ID'],
    async run({ values, positionals }, io) {
      const id = positionals[0] ?? '';
      const s = await withCtx(io, optionalString(values, 'db'), (ctx) =>
        decide(ctx, { id: OPERATOR_ACTOR_ID, role: 'admin' }, id, name),
      );
      // The operator approves on the administrator's side: an auditor's approval makes it active.
      const waiting = name === 'approve' && s.status === 'pending';
      print(
        io.stdout,
        waiting
          ? `${s.id} (${s.displayName}, ${s.role}) approved by the operator; it becomes active when an auditor approves it too`
          : `${s.id} (${s.displayName}, ${s.role}) is now ${s.status}`,
      );
      return 0;
    },
  };
}

export const adminCommands: Record<string, Command> = { create: adminCreate };

export const supervisorCommands: Record<string, Command> = {
  list,
  approve: decision(
    'approve',
    'approve a pending enrolment as the administrator side (an auditor must approve too)',
  ),
  reject: decision('reject', 'reject a pending enrolment'),
  revoke: decision('revoke', 'revoke an approved key: it stops receiving new reports'),
};
