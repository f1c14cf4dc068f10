// Sign-in from the command line with GnuPG: the challenge is signed by `gpg --detach-sign`, so a
// supervisor's key can stay in GnuPG (or on a smartcard) and never touch the browser.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supervisors } from '../../db/schema';
import { OPERATOR_ACTOR_ID } from '../../src/auth/actor';
import { signInChallenge } from '../../src/client/supervisor';
import { createAdministrator, decide } from '../../src/supervisors/service';
import { demoUnit, type Harness, makeHarness } from '../helpers/harness';

const GPG = '/usr/bin/gpg';
let h: Harness;
let home: string;
let fingerprint: string;

beforeAll(async () => {
  h = await makeHarness();
  home = await mkdtemp(join(tmpdir(), 'portal-gnupg-'));
  if (!existsSync(GPG)) return;
  const gpg = (...args: string[]) =>
    execFileSync(GPG, ['--homedir', home, '--batch', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  gpg(
    '--passphrase',
    '',
    '--quick-gen-key',
    'Test Supervisor <t@example.invalid>',
    'future-default',
    'default',
    '1y',
  );
  const publicKey = gpg('--armor', '--export').toString();
  const unitId = demoUnit(await h.units(), 'basic').id;
  const person = await createAdministrator(h.ctx, OPERATOR_ACTOR_ID, {
    unitId,
    displayName: 'GnuPG user',
    publicKey,
    role: 'supervisor',
  });
  // The operator approved on the administrator's side; the demo auditor gives the second.
  const [auditor] = await h.ctx.db
    .select()
    .from(supervisors)
    .where(eq(supervisors.role, 'auditor'))
    .limit(1);
  await decide(h.ctx, { id: auditor!.id, role: 'auditor' }, person.id, 'approve');
  fingerprint = person.fingerprint;
});
afterAll(async () => {
  await h.close();
  await rm(home, { recursive: true, force: true });
});

describe.skipIf(!existsSync(GPG))('sign-in with GnuPG', () => {
  it('accepts a detached signature made by gpg over the challenge', async () => {
    for (const mode of [['--textmode'], []]) {
      const { challenge } = await signInChallenge(h.fetcher);
      const file = join(home, 'challenge.txt');
      await writeFile(file, challenge);
      execFileSync(GPG, [
        '--homedir',
        home,
        '--batch',
        '--yes',
        ...mode,
        '--armor',
        '--detach-sign',
        file,
      ]);
      const signature = await readFile(`${file}.asc`, 'utf8');
      const res = await h.app.request('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fingerprint, challenge, signature }),
      });
      expect(res.status, `gpg ${mode.join(' ')}`).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/^__Host-portal-session=/);
    }
  });
});
