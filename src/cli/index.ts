// The operator's command line: `portal <group> <command> [options]`. Exit codes: 0 done,
// 1 failed (one line on stderr), 2 wrong usage. `runCli` is exported so tests run it in-process.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config';
import { AppError } from '../lib/errors';
import { auditCommands } from './audit';
import { backupCommands } from './backup';
import { bootstrapCommands } from './bootstrap';
import { caseCommands } from './cases';
import { grantCommands } from './grants';
import { CliFailure, type CliIo, type Command, print, UsageError, type Writer } from './io';
import { jobCommands } from './jobs';
import { recoveryCommands } from './recovery';
import { adminCommands, supervisorCommands } from './supervisors';
import { unitCommands } from './units';

const GROUPS: Record<string, Record<string, Command>> = {
  unit: unitCommands,
  admin: adminCommands,
  supervisor: supervisorCommands,
  audit: auditCommands,
  case: caseCommands,
  grant: grantCommands,
  recovery: recoveryCommands,
  bootstrap: bootstrapCommands,
  jobs: jobCommands,
};

/** Commands of one word: `portal backup …`, `portal restore FILE …`. */
const SINGLE: Record<string, Command> = backupCommands;

function mainHelp(): string[] {
  const lines = ['Usage: portal <group> <command> [options]', '', 'Commands:'];
  for (const commands of [...Object.values(GROUPS), SINGLE]) {
    for (const c of Object.values(commands)) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  }
  lines.push(
    '',
    'The database is DATABASE_URL (default file:./data/portal.db), as for the server, unless',
    '--db FILE is given. `portal <group> <command> --help` shows a command’s options.',
    'Exit codes: 0 success, 1 failure, 2 usage error.',
  );
  return lines;
}

const commandHelp = (c: Command) => [
  `Usage: portal ${c.usage}`,
  '',
  c.summary,
  ...(c.details.length ? ['', ...c.details.map((d) => `  ${d}`)] : []),
];

function parse(c: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...c.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [groupName, commandName, ...rest] = argv;
  if (!groupName || groupName === '--help' || groupName === '-h' || groupName === 'help') {
    for (const line of mainHelp()) print(io.stdout, line);
    return groupName ? 0 : 2;
  }
  const single = SINGLE[groupName];
  if (single) return runCommand(single, argv.slice(1), io);
  const group = GROUPS[groupName];
  if (!group) throw new UsageError(`unknown command group: ${groupName}`);
  const command = commandName ? group[commandName] : undefined;
  if (!command) {
    const known = Object.keys(group).map((n) => `${groupName} ${n}`);
    if (commandName === '--help' || commandName === '-h') {
      for (const c of Object.values(group)) print(io.stdout, `portal ${c.usage}\n    ${c.summary}`);
      return 0;
    }
    throw new UsageError(`expected one of: ${known.join(', ')}`);
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command, rest: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(command, rest);
  if (values.help) {
    for (const line of commandHelp(command)) print(io.stdout, line);
    return 0;
  }
  const expected = command.positionals ?? [];
  if (positionals.length !== expected.length) {
    throw new UsageError(
      expected.length
        ? `expected ${expected.join(' ')}: portal ${command.usage}`
        : `unexpected argument: ${positionals[0]}`,
    );
  }
  return (await command.run({ values, positionals }, io)) ?? 0;
}

/** One line for the operator, never a stack trace; key problems are named. */
function failureLine(err: unknown): string {
  if (err instanceof AppError && err.code === 'key_rejected') {
    const problem = (err.details as { problem?: string } | undefined)?.problem;
    return `key rejected${problem ? ` (${problem})` : ''}: ${err.message}`;
  }
  if (err instanceof ConfigError) return err.message.replace(/\n\s*/g, ' ');
  if (err instanceof Error) return (err.message.split('\n')[0] ?? '').trim() || err.name;
  return String(err);
}

export async function runCli(
  argv: string[],
  io: Partial<CliIo> & { stdout: Writer; stderr: Writer },
): Promise<number> {
  const full: CliIo = {
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    stdout: io.stdout,
    stderr: io.stderr,
  };
  try {
    return await dispatch(argv, full);
  } catch (err) {
    if (err instanceof UsageError) {
      print(full.stderr, `usage error: ${err.message}`);
      print(full.stderr, 'Run `portal --help` for the list of commands.');
      return 2;
    }
    const prefix = err instanceof CliFailure ? '' : 'error: ';
    print(full.stderr, `${prefix}${failureLine(err)}`);
    return 1;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
