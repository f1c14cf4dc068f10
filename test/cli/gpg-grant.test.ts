// A grant made offline with GnuPG: a GnuPG-made supervisor key reads a case only through
// `gpg --show-session-key`, `grant prepare --gpg` wraps each session key for a colleague approved
// later, `grant apply` stores it, and the colleague then reads the report and its file.
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, reports } from '../../db/schema';
import { decryptCase, downloadAttachment, fetchCase, signIn } from '../../src/client/supervisor';
import { type Harness, makeHarness, reportTo, withCookies } from '../helpers/harness';
import { type GnupgSupervisor, gnupgSupervisor, gpgInstalled, prepareGrantWithGpg } from './gnupg';
import { cliOn } from './run';

const hasGpg = gpgInstalled('the GnuPG grant test');

let h: Harness;
let g: GnupgSupervisor;

describe.skipIf(!hasGpg)('a grant through GnuPG', () => {
  beforeAll(async () => {
    h = await makeHarness();
    g = await gnupgSupervisor(h);
  });
  afterAll(async () => {
    await g?.close();
    await h.close();
  });

  it('wraps each session key GnuPG reveals for the new key; the new key reads everything', async () => {
    await reportTo(h, 'basic', 'Read by GnuPG, given on.', [
      { name: 'memo.txt', type: 'text/plain', bytes: new TextEncoder().encode('memo') },
    ]);
    const [row] = await h.ctx.db.select({ id: reports.id }).from(reports);
    const caseId = row!.id;
    const { colleague, prepared, grantFile } = await prepareGrantWithGpg(h, g, caseId);
    expect(prepared.stderr).toBe('');
    expect(prepared.stdout).toMatch(/prepared 2 session keys in 1 case/);
    const grant = JSON.parse(await readFile(grantFile, 'utf8')) as {
      granter: string;
    };
    expect(grant.granter).toBe(
      g
        .gpg(['--with-colons', '--fingerprint', g.email])
        .toString()
        .match(/^fpr:+([0-9A-F]{40}):/m)?.[1],
    );

    const applied = await cliOn(h, ['grant', 'apply', grantFile]);
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
    const again = await cliOn(h, ['grant', 'apply', grantFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 item\(s\) granted/);
    expect(
      await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'case.grant')),
    ).toHaveLength(1);
  });
});
