// The operator's commands on a real database: units, administrators (weak keys refused with a
// reason), approval of pending enrolments, usage errors, and the real `bin/portal.mjs` launcher.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { generateDemoKey } from '../../src/crypto';
import { enrol } from '../../src/supervisors/service';
import { demoUnit, useHarness } from '../helpers/harness';
import { cli, cliOn } from './run';

const h = useHarness();

const idOf = (stdout: string) => /created \w+ ([A-Za-z0-9_-]{22})/.exec(stdout)?.[1] ?? '';

describe('unit commands', () => {
  it('creates a unit under a parent and shows it in the tree', async () => {
    const provincial = demoUnit(await h.units(), 'provincial');
    const created = await cliOn(h, [
      'unit',
      'create',
      '--name',
      'County Court — Supervision Office',
      '--name-zh',
      '县法院督察室',
      '--level',
      'basic',
      '--parent',
      provincial.id,
      '--publish-stats',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const id = idOf(created.stdout);
    expect(id).not.toBe('');
    const listed = await cliOn(h, ['unit', 'list']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    const parentLine = lines.findIndex((l) => l.startsWith(provincial.id));
    const line = lines.find((l) => l.includes(id));
    expect(line).toBe(
      `  ${id}  basic  readers=0  recovery=no  County Court — Supervision Office / 县法院督察室  AT RISK: fewer than two readers and no recovery key`,
    );
    expect(lines.indexOf(line!)).toBeGreaterThan(parentLine);
    expect(lines[parentLine]).toMatch(
      /provincial {2}readers=1 {2}recovery=no .*\[DEMO\] {2}AT RISK/,
    );
  });

  it('refuses an unknown parent and a wrong level', async () => {
    const noParent = await cliOn(h, [
      'unit',
      'create',
      '--name',
      'X',
      '--name-zh',
      'X',
      '--level',
      'basic',
      '--parent',
      'A'.repeat(22),
    ]);
    expect(noParent).toMatchObject({ code: 1, stderr: 'error: No such parent unit.\n' });
    const badLevel = await cliOn(h, [
      'unit',
      'create',
      '--name',
      'X',
      '--name-zh',
      'X',
      '--level',
      'city',
    ]);
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toMatch(/^usage error: --level must be one of: national, provincial/);
  });
});

describe('admin create', () => {
  it('refuses an RSA 2048 key, naming the problem, and stores nothing', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'rsa',
      rsaBits: 2048,
      userIDs: [{ name: 'Weak Admin' }],
      format: 'armored',
    });
    const file = join(h.dir, 'weak.asc');
    await writeFile(file, publicKey);
    const unit = demoUnit(await h.units(), 'basic');
    const r = await cliOn(h, [
      'admin',
      'create',
      '--unit',
      unit.id,
      '--name',
      'Weak',
      '--key',
      file,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: key rejected (weak_rsa): The primary key is RSA 2048; at least 3072 bits are required.\n',
    );
    expect((await cliOn(h, ['supervisor', 'list', '--unit', unit.id])).stdout).not.toContain(
      'Weak',
    );
  });

  it('creates an approved administrator from a good key; a second time is a conflict', async () => {
    const { publicKey } = await generateDemoKey('Alice Admin', 'x');
    const file = join(h.dir, 'alice.asc');
    await writeFile(file, publicKey);
    const unit = demoUnit(await h.units(), 'intermediate');
    const args = ['admin', 'create', '--unit', unit.id, '--name', 'Alice', '--key', file];
    const r = await cliOn(h, args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^created admin [A-Za-z0-9_-]{22} \(Alice\), key [0-9A-F]{40}, approved\n$/,
    );
    // An administrator is not a reading key: reporters do not encrypt to it.
    expect(demoUnit(await h.units(), 'intermediate').keys).toHaveLength(1);
    expect(await cliOn(h, args)).toMatchObject({
      code: 1,
      stderr: 'error: This key is already enrolled.\n',
    });
  });

  it('fails clearly when the key file is missing', async () => {
    const unit = demoUnit(await h.units(), 'basic');
    const r = await cliOn(h, [
      'admin',
      'create',
      '--unit',
      unit.id,
      '--name',
      'N',
      '--key',
      '/nope.asc',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cannot read key file \/nope\.asc: /);
  });
});

describe('supervisor approval', () => {
  it('lists a pending enrolment and, once approved, publishes its key for the unit', async () => {
    const unit = demoUnit(await h.units(), 'basic');
    const { publicKey } = await generateDemoKey('Bob Supervisor', 'x');
    const pending = await enrol(h.ctx, { unitId: unit.id, displayName: 'Bob', publicKey });
    const listed = await cliOn(h, ['supervisor', 'list', '--status', 'pending']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(
      `${pending.id}  pending  supervisor  unit=${unit.id}  ${pending.fingerprint}  Bob\n`,
    );
    const before = demoUnit(await h.units(), 'basic').keys.map((k) => k.fingerprint);
    expect(before).not.toContain(pending.fingerprint);

    const approved = await cliOn(h, ['supervisor', 'approve', pending.id]);
    expect(approved).toMatchObject({ code: 0, stderr: '' });
    expect(approved.stdout).toBe(`${pending.id} (Bob, supervisor) is now approved\n`);
    const res = await h.app.request('/api/units');
    const units = (
      (await res.json()) as { units: { id: string; keys: { fingerprint: string }[] }[] }
    ).units;
    const keys = units.find((u) => u.id === unit.id)!.keys.map((k) => k.fingerprint);
    expect(keys).toContain(pending.fingerprint);

    const again = await cliOn(h, ['supervisor', 'approve', pending.id]);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'error: A approved enrolment cannot be approved.\n',
    });
    const revoked = await cliOn(h, ['supervisor', 'revoke', pending.id]);
    expect(revoked.code).toBe(0);
    expect(demoUnit(await h.units(), 'basic').keys.map((k) => k.fingerprint)).not.toContain(
      pending.fingerprint,
    );
  });

  it('says "not found" for an unknown enrolment', async () => {
    const r = await cliOn(h, ['supervisor', 'reject', 'B'.repeat(22)]);
    expect(r).toMatchObject({ code: 1, stderr: 'error: No such supervisor.\n' });
  });
});

describe('usage', () => {
  it('exits 2 on usage errors and 0 on --help', async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['unit', 'create', '--nmae', 'x'])).code).toBe(2);
    expect((await cli(['supervisor', 'approve'])).code).toBe(2);
    expect((await cli(['supervisor', 'approve', 'a', 'b'])).code).toBe(2);
    const help = await cli(['case', 'export', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: portal case export ID --out DIR');
    const all = await cli(['--help']);
    expect(all.code).toBe(0);
    for (const c of [
      'unit create',
      'admin create',
      'supervisor approve',
      'audit verify',
      'case export',
    ])
      expect(all.stdout).toContain(c);
  });
});

describe('bin/portal.mjs', () => {
  const bin = fileURLToPath(new URL('../../bin/portal.mjs', import.meta.url));
  const run = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: h.dir, // not the repository: the launcher must find tsx and the sources by itself
      env: { ...process.env, PORTAL_ENV: 'test', DATA_DIR: h.dir },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('runs the CLI as a child process with its exit codes', () => {
    const list = run(['unit', 'list', '--db', h.dbFile]);
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('DEMO Provincial High Court');
    const verify = run(['audit', 'verify', '--db', h.dbFile]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/^audit log OK: \d+ entries, head [0-9a-f]{64}\n$/);
    const missing = run(['audit', 'verify', '--db', join(h.dir, 'missing.db')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^database file not found: /);
    expect(run(['unit']).status).toBe(2);
  });
});
