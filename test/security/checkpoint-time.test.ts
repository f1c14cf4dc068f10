// A checkpoint is judged at its own time, not today's: an auditor's key that has expired, or was
// revoked in the portal, since it signed still vouches for what it signed; a signature made after
// the revocation (a head the log wrote after it), or dated before the head it signs existed, is
// no witness. Real auditor keys (one expiring in three days), real sign-ins, the real CLI.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { emptyState, reconcile, replay } from '../../src/audit/reconcile';
import { readLog } from '../../src/audit/service';
import { signCheckpoint } from '../../src/client/admin';
import { signIn } from '../../src/client/supervisor';
import { signChallenge } from '../../src/crypto';
import { newId } from '../../src/lib/ids';
import { cliOn } from '../cli/run';
import {
  approveAsAuditor,
  createdId,
  decideAsAdmin,
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  useHarness,
  withCookies,
} from '../helpers/harness';

const DAY = 86_400_000;

/** An auditor added by the operator and approved by the demo auditor (four eyes). */
async function addAuditor(h: Harness, name: string, keyExpirationTime?: number) {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name }],
    format: 'object',
    ...(keyExpirationTime ? { keyExpirationTime } : {}),
  });
  const file = join(h.dir, `${name.replace(/\W/g, '-')}.asc`);
  await writeFile(file, publicKey.armor());
  const unit = demoUnit(await h.units(), 'provincial');
  const made = await cliOn(h, [
    'admin',
    'create',
    '--unit',
    unit.id,
    '--name',
    name,
    '--key',
    file,
    '--role',
    'auditor',
  ]);
  expect(made.code, made.stderr).toBe(0);
  const id = createdId(made.stdout);
  await approveAsAuditor(h, id);
  return { id, key: privateKey, fingerprint: privateKey.getFingerprint().toUpperCase() };
}

/** Signs the current head with `key` and stores it as if the portal had (a forger's way in). */
async function storeSignedHead(
  h: Harness,
  signer: { id: string; key: openpgp.PrivateKey; fingerprint: string },
  name: string,
) {
  const [head] = await h.ctx.db
    .select()
    .from(schema.auditLog)
    .orderBy(desc(schema.auditLog.seq))
    .limit(1);
  const text = [
    'Whistleblower portal audit checkpoint',
    'purpose: audit-checkpoint',
    `entries: ${head!.seq}`,
    `head: ${head!.hash}`,
  ].join('\n');
  const signature = await signChallenge(text, signer.key);
  const id = newId();
  await h.ctx.db.insert(schema.auditCheckpoints).values({
    id,
    seq: head!.seq,
    hash: head!.hash,
    signerId: signer.id,
    signerFingerprint: signer.fingerprint,
    text,
    signature,
    day: '2026-01-01',
  });
  const file = join(h.dir, `${name}.txt`);
  await writeFile(file, `${text}\n${signature}`);
  return { id, seq: head!.seq, file };
}

async function checkpointProblems(h: Harness) {
  const log = emptyState();
  for await (const e of readLog(h.ctx)) replay(log, e);
  return (await reconcile(h.ctx, log)).filter((d) => d.checker === 'checkpoints');
}

const h = useHarness();

describe('checkpoints judged at their own time', () => {
  it('keep vouching after the key expired or was revoked, and a later signature does not', async () => {
    const ada = await addAuditor(h, 'Ada Expiring', 3 * 86_400);
    const bea = await addAuditor(h, 'Bea Revoked');
    const adaSession = await signIn(withCookies(h.fetcher), ada.key);
    const adaCheckpoint = await signCheckpoint(adaSession, ada.key);
    const beaSession = await signIn(withCookies(h.fetcher), bea.key);
    const beaCheckpoint = await signCheckpoint(beaSession, bea.key);
    expect(adaCheckpoint && beaCheckpoint).toBeTruthy();
    const adaFile = join(h.dir, 'ada-checkpoint.txt');
    await writeFile(adaFile, `${adaCheckpoint!.text}\n${adaCheckpoint!.signature}`);

    // Bea is revoked in the portal; then her key (kept by someone) signs the head written since.
    await decideAsAdmin(h, bea.id, 'revoke');
    const [revoked] = await h.ctx.db
      .select({ seq: schema.auditLog.seq })
      .from(schema.auditLog)
      .where(
        and(eq(schema.auditLog.action, 'supervisor.revoke'), eq(schema.auditLog.targetId, bea.id)),
      );
    const late = await storeSignedHead(h, bea, 'bea-after-revocation');
    expect(late.seq).toBeGreaterThanOrEqual(revoked!.seq);

    // Ten days on, Ada's key has expired. The portal writes new entries, dated ten days on; Ada's
    // key signs the newest head with its own (earlier, still valid) date: a backdated signature.
    h.advance(10 * DAY);
    await expect(signIn(withCookies(h.fetcher), ada.key)).rejects.toThrow(/refused/);
    await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
    const backdated = await storeSignedHead(h, ada, 'ada-backdated');

    // Ada's and Bea's own checkpoints, signed while their keys were valid, are not named.
    const found = await checkpointProblems(h);
    expect(found.map((d) => d.row).sort()).toEqual(
      [`audit_checkpoints/${late.id}`, `audit_checkpoints/${backdated.id}`].sort(),
    );
    expect(found.find((d) => d.row.endsWith(late.id))?.problem).toBe(
      `signed by auditor Bea Revoked (${bea.fingerprint}) after its key was revoked at entry ${revoked!.seq}: not a witness`,
    );
    expect(found.find((d) => d.row.endsWith(backdated.id))?.problem).toMatch(
      new RegExp(
        `^signed by auditor Ada Expiring \\(${ada.fingerprint}\\) with a date \\(\\d{4}-\\d\\d-\\d\\d\\) before its entry ${backdated.seq} was written: backdated$`,
      ),
    );

    // The same, from files kept outside, checked against the auditors the database knows.
    const r = await cliOn(h, [
      'audit',
      'verify',
      '--checkpoint',
      adaFile,
      '--checkpoint',
      late.file,
      '--checkpoint',
      backdated.file,
    ]);
    expect(r.stdout).toContain(
      `checkpoint ${adaFile} (entry ${adaCheckpoint!.entries}): signed by auditor Ada Expiring (${ada.fingerprint})`,
    );
    expect(r.stderr).toContain(
      `checkpoint ${late.file}: signed by auditor Bea Revoked (${bea.fingerprint}) after its key was revoked at entry ${revoked!.seq}: not a witness`,
    );
    expect(r.stderr).toContain(`checkpoint ${backdated.file}: signed by auditor Ada Expiring`);
    expect(r.code).toBe(1);
  });

  it('the portal refuses to store a checkpoint dated before the head it signs', async () => {
    // The portal's clock is ten days ahead of the auditor's device (the test above moved it).
    const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
    const head = (await (await auditor.fetcher('/api/audit/head')).json()) as { text: string };
    const before = await h.ctx.db.$count(schema.auditCheckpoints);
    const res = await auditor.fetcher('/api/audit/checkpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': auditor.csrfToken },
      body: JSON.stringify({
        text: head.text,
        signature: await signChallenge(head.text, await demoKey(h, 'auditor')),
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "The signature is dated before the head it signs: check your device's clock and sign again.",
    );
    expect(await h.ctx.db.$count(schema.auditCheckpoints)).toBe(before);
  });

  it('a witness key its holder has since retired vouches only for heads before; a compromised one for none', async () => {
    const fresh = await makeHarness();
    try {
      const [head] = await fresh.ctx.db
        .select()
        .from(schema.auditLog)
        .orderBy(desc(schema.auditLog.seq))
        .limit(1);
      // Every time below is anchored on the head's day (00:00 UTC), never after the real now.
      const day = head!.at * 1000;
      const { privateKey } = await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'Cid Retiring' }],
        date: new Date(day - 3 * DAY),
        format: 'object',
      });
      const text = [
        'Whistleblower portal audit checkpoint',
        'purpose: audit-checkpoint',
        `entries: ${head!.seq}`,
        `head: ${head!.hash}`,
      ].join('\n');
      const signedAt = async (name: string, at: number) => {
        const signature = await openpgp.sign({
          message: await openpgp.createMessage({ text }),
          signingKeys: privateKey,
          detached: true,
          date: new Date(at),
        });
        const file = join(fresh.dir, `${name}.txt`);
        await writeFile(file, `${text}\n${signature}`);
        return file;
      };
      const revokedAt = async (
        name: string,
        at: number,
        flag: openpgp.enums.reasonForRevocation,
      ) => {
        const { publicKey } = await openpgp.revokeKey({
          key: privateKey,
          reasonForRevocation: { flag },
          date: new Date(at),
          format: 'armored',
        });
        const file = join(fresh.dir, `${name}.asc`);
        await writeFile(file, publicKey);
        return file;
      };
      const { keyRetired, keyCompromised } = openpgp.enums.reasonForRevocation;
      const retiredToday = await revokedAt('retired-today', day, keyRetired);
      const retiredYesterday = await revokedAt(
        'retired-yesterday',
        day - DAY + 3_600_000,
        keyRetired,
      );
      const compromised = await revokedAt('compromised', day, keyCompromised);
      const before = await signedAt('before', day - 2 * 3_600_000);
      const atRetirement = await signedAt('at-retirement', day);
      const dayBefore = await signedAt('day-before', day - DAY);
      const verify = (checkpoint: string, witness: string) =>
        cliOn(fresh, ['audit', 'verify', '--checkpoint', checkpoint, '--witness', witness]);

      // Signed before the retirement, of a head of that day: still a witness.
      const kept = await verify(before, retiredToday);
      expect(kept.stderr).toBe('');
      expect(kept.stdout).toContain(
        `checkpoint ${before} (entry ${head!.seq}): signed by witness key ${retiredToday}`,
      );
      // Signed at the retirement: not.
      expect((await verify(atRetirement, retiredToday)).stderr).toMatch(
        new RegExp(
          `checkpoint ${atRetirement}: signed by witness key ${retiredToday} .* after its key was retired`,
        ),
      );
      // Dated before the retirement (openpgp.js accepts it), but of a head of a later day.
      expect((await verify(dayBefore, retiredYesterday)).stderr).toMatch(
        new RegExp(
          `checkpoint ${dayBefore}: signed by witness key ${retiredYesterday} .* after its key was retired`,
        ),
      );
      // A key revoked as compromised vouches for nothing it ever signed.
      expect((await verify(before, compromised)).stderr).toContain(
        `checkpoint ${before} is not signed by any witness key given`,
      );
    } finally {
      await fresh.close();
    }
  });
});
