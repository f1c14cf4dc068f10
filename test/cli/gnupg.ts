// GnuPG for the CLI tests: a temporary GnuPG home, and a supervisor whose key GnuPG made, enrolled
// with `admin create` and approved by the auditor (four eyes, as an operator would do it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  approveAsAuditor,
  createdId,
  decideAsAdmin,
  demoUnit,
  enrolKey,
  type Harness,
} from '../helpers/harness';
import { type CliResult, cli, cliOn } from './run';

const hasGpg = existsSync('/usr/bin/gpg') || spawnSync('gpg', ['--version']).status === 0;

/** Whether gpg is installed; when it is not, says which test is skipped and why. */
export function gpgInstalled(test: string): boolean {
  if (!hasGpg) console.warn(`SKIPPED: GnuPG (gpg) is not installed; ${test} needs it.`);
  return hasGpg;
}

/** For gpg's keys made here: no passphrase, and no pinentry to ask for one. */
export const NO_PASSPHRASE = ['--pinentry-mode', 'loopback', '--passphrase', ''];

export interface GnupgHome {
  home: string;
  /** Runs gpg in batch mode on this home; returns what it wrote to stdout. */
  gpg(args: string[], input?: string): Buffer;
  /** Stops the home's gpg-agent (so no process outlives the test) and removes the home. */
  close(): Promise<void>;
}

export async function gnupgHome(): Promise<GnupgHome> {
  const home = await mkdtemp(join(tmpdir(), 'portal-gnupg-'));
  return {
    home,
    gpg: (args, input) =>
      execFileSync('gpg', ['--batch', '--homedir', home, ...args], {
        input,
        stdio: ['pipe', 'pipe', 'pipe'],
        // A decrypted chunk of a large file is several megabytes.
        maxBuffer: 64 << 20,
      }),
    close: async () => {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
      await rm(home, { recursive: true, force: true });
    },
  };
}

export interface GnupgSupervisor extends GnupgHome {
  /** A scratch folder for exports, keys and grant files, removed with the home. */
  work: string;
  /** The key's e-mail address, which names it to gpg. */
  email: string;
  /** The supervisor's id on the portal. */
  id: string;
}

/**
 * A key made by GnuPG (no passphrase), its public half enrolled in the demo basic unit with
 * `admin create` on the harness's database and approved by the demo auditor.
 */
export async function gnupgSupervisor(
  h: Harness,
  { name = 'GnuPG supervisor', email = 'g@example.invalid' } = {},
): Promise<GnupgSupervisor> {
  const g = await gnupgHome();
  const work = await mkdtemp(join(tmpdir(), 'portal-gnupg-work-'));
  const close = async () => {
    await g.close();
    await rm(work, { recursive: true, force: true });
  };
  try {
    g.gpg([
      ...NO_PASSPHRASE,
      '--quick-gen-key',
      `${name} <${email}>`,
      'future-default',
      'default',
      '1y',
    ]);
    const keyFile = join(work, 'supervisor.pub.asc');
    await writeFile(keyFile, g.gpg(['--armor', '--export', email]));
    const unit = demoUnit(await h.units(), 'basic');
    const made = await cliOn(h, [
      'admin',
      'create',
      '--role',
      'supervisor',
      '--unit',
      unit.id,
      '--name',
      name,
      '--key',
      keyFile,
    ]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const id = createdId(made.stdout);
    await approveAsAuditor(h, id);
    return { ...g, work, email, id, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** `case export` of one case into `out`, which must succeed quietly. */
export async function exportCase(h: Harness, caseId: string, out: string): Promise<CliResult> {
  const r = await cliOn(h, ['case', 'export', caseId, '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

/**
 * An offline grant up to its file: a colleague enrolled in the basic unit and approved by the
 * administrator, the case exported, and `grant prepare --gpg` run for the colleague's public key
 * (the supervisor's GnuPG reveals each session key). The file is applied by the caller.
 */
export async function prepareGrantWithGpg(h: Harness, g: GnupgSupervisor, caseId: string) {
  const colleague = await enrolKey(h, demoUnit(await h.units(), 'basic').id, 'Colleague');
  await decideAsAdmin(h, colleague.id, 'approve');
  const to = join(g.work, 'colleague.pub.asc');
  await writeFile(to, colleague.publicKey);
  const exported = join(g.work, 'case');
  await exportCase(h, caseId, exported);
  const grantFile = join(g.work, 'grant.json');
  const prepared = await cli([
    'grant',
    'prepare',
    exported,
    '--gpg',
    '--gpg-homedir',
    g.home,
    '--to',
    to,
    '--out',
    grantFile,
  ]);
  return { colleague, prepared, grantFile };
}
