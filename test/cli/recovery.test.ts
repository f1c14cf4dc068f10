// Recovery with 2 of 3 shares after a unit's only key is lost: the recovery key is made offline
// and split, registered for the unit, enforced as a recipient, given the older case; the lost key
// is revoked; two holders combine their shares and grant every case to a new supervisor.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonInit } from '../../src/client/api';
import { grantableKeys, grantCase } from '../../src/client/grants';
import { openCase } from '../../src/client/reporter';
import { decryptCase, fetchCase, inbox, signIn } from '../../src/client/supervisor';
import { sealJson } from '../../src/crypto';
import {
  decideAsAdmin,
  demoKey,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  reportTo,
  withCookies,
} from '../helpers/harness';
import { cli, cliOn } from './run';

let h: Harness;
let work: string;
let unitId: string;

beforeAll(async () => {
  h = await makeHarness();
  work = await mkdtemp(join(tmpdir(), 'portal-recovery-'));
  unitId = demoUnit(await h.units(), 'basic').id;
});
afterAll(async () => {
  await h.close();
  await rm(work, { recursive: true, force: true });
});

const report = (text: string) => reportTo(h, 'basic', text);

describe('recovery with 2 of 3 shares', () => {
  it('makes the key offline, split in 3 shares; registers it; the unit is no longer at risk', async () => {
    const made = await cli([
      'recovery',
      'create',
      '--shares',
      '3',
      '--threshold',
      '2',
      '--out',
      join(work, 'made'),
    ]);
    expect(made.stderr).toBe('');
    expect((await readdir(join(work, 'made'))).sort()).toEqual([
      'recovery.public.asc',
      'share-1-of-3.txt',
      'share-2-of-3.txt',
      'share-3-of-3.txt',
    ]);
    const before = await cliOn(h, ['unit', 'list']);
    expect(before.stdout.split('\n').find((l) => l.includes(unitId))).toMatch(
      /readers=1 {2}recovery=no .*AT RISK/,
    );
    await report('Before the recovery key.');
    const set = await cliOn(h, [
      'recovery',
      'set',
      unitId,
      '--key',
      join(work, 'made', 'recovery.public.asc'),
    ]);
    expect(set.stderr).toBe('');
    // The case that came before it is offered for a grant, with the commands that do it.
    expect(set.stdout).toMatch(/1 existing case\(s\) of the unit cannot be read by it yet/);
    expect(set.stdout).toMatch(/grant prepare EXPORT --to .*recovery\.public\.asc/);
    const after = await cliOn(h, ['unit', 'list']);
    const line = after.stdout.split('\n').find((l) => l.includes(unitId)) ?? '';
    expect(line).toMatch(/readers=1 {2}recovery=yes/);
    expect(line).not.toMatch(/AT RISK/);
  });

  it('is a required recipient of new reports, and is given the older case by the supervisor', async () => {
    // (Reports before it was set are granted to it from a supervisor's browser.)
    await cliOn(h, [
      'recovery',
      'set',
      unitId,
      '--key',
      join(work, 'made', 'recovery.public.asc'),
    ]).then((r) => expect(r.stderr).toMatch(/already enrolled/));
    const s1 = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const recovery = (await grantableKeys(s1)).keys.find((k) => k.role === 'recovery');
    expect(recovery).toBeDefined();
    expect((await grantableKeys(s1)).recoveryBacklog).toBe(1);
    for (const item of (await inbox(s1)).items) await grantCase(s1, item.id, recovery!.id);
    expect((await grantableKeys(s1)).recoveryBacklog).toBe(0);
    const { receipt } = await report('After the recovery key.');
    // A follow-up not encrypted to the recovery key is refused like any missing recipient.
    const session = await openCase(h.fetcher, receipt);
    const recoveryKey = (await readFile(join(work, 'made', 'recovery.public.asc'), 'utf8')).trim();
    const withoutRecovery = session.view.recipients.messages.filter(
      (k) => k.trim() !== recoveryKey,
    );
    expect(withoutRecovery).toHaveLength(session.view.recipients.messages.length - 1);
    expect(session.view.readers.some((r) => r.recovery)).toBe(true);
    const message = await sealJson(
      { v: 1, type: 'message', text: 'x' },
      { recipients: withoutRecovery, signingKey: session.key },
    );
    const res = await h.fetcher(
      '/api/receipt/messages',
      jsonInit({ message }, { 'x-lookup-token': session.lookupToken }),
    );
    expect(res.status).toBe(422);
  });

  it('after the only key is lost, 2 holders combine their shares and grant every case anew', async () => {
    const s1 = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    await decideAsAdmin(h, s1.supervisor.id, 'revoke');
    const next = await enrolKey(h, unitId, 'New supervisor');
    await decideAsAdmin(h, next.id, 'approve');
    await writeFile(join(work, 'next.pub.asc'), next.publicKey);
    const s2 = await signIn(withCookies(h.fetcher), next.key);
    const ids = (await inbox(s2)).items.map((i) => i.id);
    expect(ids).toHaveLength(2);

    const one = join(work, 'one');
    await mkdir(one);
    await copyFile(join(work, 'made', 'share-2-of-3.txt'), join(one, 'share-2-of-3.txt'));
    const tooFew = await cli(['recovery', 'combine', one, '--out', join(work, 'no.asc')]);
    expect(tooFew.code).toBe(1);
    const two = join(work, 'two');
    await mkdir(two);
    for (const f of ['share-1-of-3.txt', 'share-3-of-3.txt'])
      await copyFile(join(work, 'made', f), join(two, f));
    const combined = await cli(['recovery', 'combine', two, '--out', join(work, 'recovery.asc')]);
    expect(combined.stderr).toBe('');

    expect(
      (await cliOn(h, ['case', 'export-unit', unitId, '--out', join(work, 'export')])).stderr,
    ).toBe('');
    const prepared = await cli([
      'grant',
      'prepare',
      join(work, 'export'),
      '--key',
      join(work, 'recovery.asc'),
      '--to',
      join(work, 'next.pub.asc'),
      '--out',
      join(work, 'grant.json'),
    ]);
    expect(prepared.stderr).toBe('');
    const applied = await cliOn(h, ['grant', 'apply', join(work, 'grant.json')]);
    expect(applied.stderr).toBe('');
    for (const id of ids) {
      const opened = await decryptCase(s2, await fetchCase(s2, id));
      expect(opened.every((m) => m.content !== null && m.verified)).toBe(true);
    }
  });
});
