// Running the operator CLI in-process against a harness database, capturing what it prints.
import { runCli } from '../../src/cli/index';
import type { Harness } from '../helpers/harness';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: { PORTAL_ENV: 'test', ...env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** The CLI pointed at a harness's database file and blob folder. */
export const cliOn = (h: Harness, argv: string[], env: Record<string, string> = {}) =>
  cli([...argv, '--db', h.dbFile], { DATA_DIR: h.dir, ...env });
