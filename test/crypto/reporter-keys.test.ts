// The check of a reporter's key pair reads the public key once, from the locked key, when the
// public key sent is exactly the locked key's public part. It must answer as reading and judging
// both keys apart does, for the portal's own pairs and for everything else a client could send.
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateReporterKey } from '../../src/crypto';
import { checkReporterKeys, type ReporterKeysCheck } from '../../src/crypto/checks';
import {
  inspectReporterKey,
  isLockedPrivateKey,
  KeyRejectedError,
  readLockedKey,
  samePublicPart,
} from '../../src/crypto/keys';

/** The check as it was before: the public key read and judged, then the locked key read. */
async function readApart(publicKey: string, lockedKey: string): Promise<ReporterKeysCheck> {
  let info: Awaited<ReturnType<typeof inspectReporterKey>>;
  try {
    info = await inspectReporterKey(publicKey);
  } catch (err) {
    if (err instanceof KeyRejectedError)
      return { ok: false, detail: `Reporter key: ${err.message}` };
    return { ok: false, detail: 'Reporter key: this is not a readable OpenPGP public key.' };
  }
  const locked = await isLockedPrivateKey(lockedKey);
  if (!locked?.locked)
    return {
      ok: false,
      detail: "The reporter's private key must be locked with the receipt passphrase.",
    };
  if (locked.fingerprint !== info.fingerprint)
    return { ok: false, detail: 'The locked private key does not match the public key.' };
  return { ok: true, fingerprint: info.fingerprint, encryptionKeyIds: info.encryptionKeyIds };
}

let reporter: { publicKey: string; lockedKey: string };
let other: { publicKey: string; lockedKey: string };
let timed: { publicKey: string; privateKey: string };
let unlocked: string;
let moreIds: string;
let comment: string;

beforeAll(async () => {
  reporter = await generateReporterKey('receipt passphrase');
  other = await generateReporterKey('another passphrase');
  // Dated to the second, as the portal's keys never are.
  timed = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Anonymous reporter' }],
    passphrase: 'x',
    date: new Date(Date.UTC(2026, 11, 3, 10, 11, 12)),
    format: 'armored',
  });
  unlocked = (
    await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Anonymous reporter' }],
      format: 'armored',
    })
  ).privateKey;
  // The reporter's public key with a second user ID: the same key, other bytes.
  const key = await openpgp.decryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: reporter.lockedKey }),
    passphrase: 'receipt passphrase',
  });
  const { publicKey } = await openpgp.reformatKey({
    privateKey: key,
    userIDs: [{ name: 'Anonymous reporter' }, { name: 'Someone else' }],
    date: key.getCreationTime(),
    format: 'armored',
  });
  moreIds = publicKey;
  // The same bytes under other armor: a comment line.
  const { data } = await openpgp.unarmor(reporter.publicKey);
  comment = openpgp.armor(
    openpgp.enums.armor.publicKey,
    data as Uint8Array,
    undefined,
    undefined,
    'a comment',
  );
}, 60_000);

describe("the reporter's key pair", () => {
  it('is read once for the pairs the portal makes, and judged the same', async () => {
    const held = await readLockedKey(reporter.lockedKey);
    expect(held?.locked).toBe(true);
    expect(await samePublicPart(reporter.publicKey, held!.key)).not.toBeNull();
    expect(await samePublicPart(comment, held!.key)).not.toBeNull();
    const check = await checkReporterKeys(reporter.publicKey, reporter.lockedKey);
    expect(check.ok).toBe(true);
    expect(check).toEqual(await readApart(reporter.publicKey, reporter.lockedKey));
  });

  it('is read apart, with the same answers, for anything else a client could send', async () => {
    const held = await readLockedKey(reporter.lockedKey);
    for (const text of [other.publicKey, moreIds, reporter.lockedKey, 'garbage', ''])
      expect(await samePublicPart(text, held!.key)).toBeNull();
    const pairs: [string, string][] = [
      [reporter.publicKey, reporter.lockedKey],
      [comment, reporter.lockedKey],
      [moreIds, reporter.lockedKey],
      [other.publicKey, reporter.lockedKey],
      [reporter.publicKey, other.lockedKey],
      [reporter.lockedKey, reporter.lockedKey],
      [timed.publicKey, timed.privateKey],
      [reporter.publicKey, unlocked],
      [reporter.publicKey, reporter.publicKey],
      ['garbage', reporter.lockedKey],
      [reporter.publicKey, 'garbage'],
      ['', ''],
    ];
    const answers: ReporterKeysCheck[] = [];
    for (const [pub, locked] of pairs) {
      const answer = await checkReporterKeys(pub, locked);
      expect(answer, `${pub.slice(0, 40)} / ${locked.slice(0, 40)}`).toEqual(
        await readApart(pub, locked),
      );
      answers.push(answer);
    }
    // The cases are not all alike: accepted pairs and each kind of refusal are among them.
    const details = new Set(answers.map((a) => (a.ok ? 'ok' : a.detail)));
    expect(details.size).toBeGreaterThanOrEqual(5);
  });
});
