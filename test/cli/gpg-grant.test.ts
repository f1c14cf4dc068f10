// A grant made offline with GnuPG: a GnuPG-made supervisor key reads a case only through
// `gpg --show-session-key`, `grant prepare --gpg` wraps each session key for a colleague approved
// later, `grant apply` stores it, and the colleague then reads the report and its file.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, reports } from '../../db/schema';
import { decryptCase, downloadAttachment, fetchCase, signIn } from '../../src/client/supervisor';
import {
  decideAsAdmin,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  reportTo,
  withCookies,
} from '../helpers/harness';
import { cli, cliOn } from './run';

const hasGpg = existsSync('/usr/bin/gpg') || spawnSync('gpg', ['--version']).status === 0;
if (!hasGpg) console.warn('SKIPPED: GnuPG (gpg) is not installed; the GnuPG grant test needs it.');

let h: Harness;
let home: string;
let work: string;

const gpg = (args: string[]) =>
  execFileSync('gpg', ['--batch', '--homedir', home, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });

describe.skipIf(!hasGpg)('a grant through GnuPG', () => {
  beforeAll(async () => {
    h = await makeHarness();
    home = await mkdtemp(join(tmpdir(), 'portal-gnupg-'));
    work = await mkdtemp(join(tmpdir(), 'portal-grant-'));
    gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--quick-gen-key',
      'G <g@example.invalid>',
      'future-default',
      'default',
      '1y',
    ]);
    await writeFile(join(work, 'g.pub.asc'), gpg(['--armor', '--export', 'g@example.invalid']));
    const basic = demoUnit(await h.units(), 'basic');
    const made = await cliOn(h, [
      'admin',
      'create',
      '--role',
      'supervisor',
      '--unit',
      basic.id,
      '--name',
      'GnuPG supervisor',
      '--key',
      join(work, 'g.pub.asc'),
    ]);
    expect(made.code, made.stderr).toBe(0);
  });
  afterAll(async () => {
    await h.close();
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('wraps each session key GnuPG reveals for the new key; the new key reads everything', async () => {
    const unitId = demoUnit(await h.units(), 'basic').id;
    await reportTo(h, 'basic', 'Read by GnuPG, given on.', [
      { name: 'memo.txt', type: 'text/plain', bytes: new TextEncoder().encode('memo') },
    ]);
    const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
    const caseId = row!.id;
    const colleague = await enrolKey(h, unitId, 'Colleague');
    await decideAsAdmin(h, colleague.id, 'approve');
    await writeFile(join(work, 'colleague.pub.asc'), colleague.publicKey);

    const exported = await cliOn(h, ['case', 'export', caseId, '--out', join(work, 'case')]);
    expect(exported.code, exported.stderr).toBe(0);
    const prepared = await cli([
      'grant',
      'prepare',
      join(work, 'case'),
      '--gpg',
      '--gpg-homedir',
      home,
      '--to',
      join(work, 'colleague.pub.asc'),
      '--out',
      join(work, 'grant.json'),
    ]);
    expect(prepared.stderr).toBe('');
    expect(prepared.stdout).toMatch(/prepared 2 session keys in 1 case/);
    const grant = JSON.parse(await readFile(join(work, 'grant.json'), 'utf8')) as {
      granter: string;
    };
    expect(grant.granter).toBe(
      gpg(['--with-colons', '--fingerprint', 'g@example.invalid'])
        .toString()
        .match(/^fpr:+([0-9A-F]{40}):/m)?.[1],
    );

    const applied = await cliOn(h, ['grant', 'apply', join(work, 'grant.json')]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toMatch(/2 item\(s\) granted/);
    const [entry] = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'case.grant'));
    expect(entry).toMatchObject({ actorId: 'operator', reportId: caseId, targetId: colleague.id });

    const s = await signIn(withCookies(h.fetcher), colleague.key);
    const c = await fetchCase(s, caseId);
    const [report] = await decryptCase(s, c);
    expect(report).toMatchObject({
      verified: true,
      content: { whatHappened: 'Read by GnuPG, given on.' },
    });
    const file = await downloadAttachment(s, c, 'report', report!.attachments[0]!.id);
    expect(new TextDecoder().decode(file.bytes)).toBe('memo');
    // Applying the same grant again stores nothing more: the new key reads all of it already.
    const again = await cliOn(h, ['grant', 'apply', join(work, 'grant.json')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 item\(s\) granted/);
    expect(
      await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'case.grant')),
    ).toHaveLength(1);
  });
});
