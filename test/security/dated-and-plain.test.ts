// Threats: a client that dates its key to the second (timing the submission for anyone reading
// the database), or that stores plaintext behind real recipient packets. Both are refused with a
// clear 4xx and nothing is stored; a file's chunks likewise. Shared with the edge project (runs in
// workerd too).
// scenario: node and workerd
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import type { UnitView } from '../../src/client/types';
import {
  CHUNK_BYTES,
  deriveReceiptSecrets,
  generateReceipt,
  generateReporterKey,
  pad,
  sealJson,
  unlockPrivateKey,
  utf8,
  wrappedKeys,
} from '../../src/crypto';
import { rowCounts } from '../helpers/db';
import { demoUnit, type Harness, makeHarness } from '../helpers/harness';
import { patterned, pendingFollowUp } from '../helpers/uploads';

let h: Harness;
let units: UnitView[];
let before: Record<string, number>;

beforeAll(async () => {
  h = await makeHarness();
  units = await h.units();
});
afterAll(() => h.close());
beforeEach(async () => {
  before = await rowCounts(h.ctx);
});

async function expectRefused(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  // Nothing is stored but the spent proof of work, which is paid before any work is done.
  const after = await rowCounts(h.ctx);
  expect(after.pow_spent! - before.pow_spent!).toBeLessThanOrEqual(1);
  expect({ ...after, pow_spent: 0 }).toEqual({ ...before, pow_spent: 0 });
}

/** A submission the server would accept, with the reporter's key made by `makeKey`. */
async function submission(
  makeKey: (passphrase: string) => Promise<{ publicKey: string; lockedKey: string }>,
) {
  const unit = demoUnit(units, 'basic');
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(generateReceipt());
  const keys = await makeKey(keyPassphrase);
  const signingKey = await unlockPrivateKey(keys.lockedKey, keyPassphrase);
  const recipients = [...unit.keys.map((k) => k.publicKey), keys.publicKey];
  const report = await sealJson(
    { v: 1, type: 'report', whatHappened: 'x' },
    { recipients, signingKey },
  );
  const headers = powHeaders(await proofOfWork(h.fetcher, 'submit'));
  const body = {
    unitId: unit.id,
    copyToParent: false,
    lookupToken,
    reporterPublicKey: keys.publicKey,
    reporterLockedKey: keys.lockedKey,
    report,
  };
  return { body, headers, recipients, signingKey };
}

const post = (body: unknown, headers: Record<string, string>) =>
  h.fetcher('/api/reports', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** The message with its encrypted-data body swapped for `body`, recipient packets untouched. */
async function withBody(message: string | Uint8Array, body: Uint8Array) {
  const parsed =
    typeof message === 'string'
      ? await openpgp.readMessage({ armoredMessage: message })
      : await openpgp.readMessage({ binaryMessage: message });
  const last = parsed.packets[parsed.packets.length - 1] as unknown as { encrypted: unknown };
  last.encrypted = body;
  return parsed;
}

describe('keys and ciphertext the server refuses', () => {
  it('refuses a reporter key dated with a time of day', async () => {
    const secondly = (passphrase: string) =>
      openpgp
        .generateKey({
          type: 'ecc',
          curve: 'curve25519Legacy',
          userIDs: [{ name: 'Anonymous reporter' }],
          passphrase,
          date: new Date(Date.UTC(2026, 10, 30, 14, 7, 31)),
          format: 'armored',
        })
        .then((k) => ({ publicKey: k.publicKey, lockedKey: k.privateKey }));
    const { body, headers } = await submission(secondly);
    await expectRefused(await post(body, headers), 422, 'key_rejected');
    // The same submission with a key dated at 00:00 UTC is accepted.
    const good = await submission((p) => generateReporterKey(p));
    expect((await post(good.body, good.headers)).status).toBe(201);
  });

  it('refuses plaintext placed behind real recipient packets', async () => {
    const { body, headers } = await submission((p) => generateReporterKey(p));
    const plain = pad(utf8(JSON.stringify({ whatHappened: 'in the clear, by mistake' })));
    const forged = await withBody(body.report, plain);
    // The recipient packets still name every key: only the body gives it away.
    expect(forged.getEncryptionKeyIDs().length).toBe(2);
    await expectRefused(
      await post({ ...body, report: forged.armor() }, headers),
      422,
      'not_encrypted',
    );
  });

  it('refuses a file in the clear behind real recipient packets, in its first chunk or a later one', async () => {
    // A follow-up announced with a file of two chunks: files come only through /api/uploads.
    const p = await pendingFollowUp(h, [patterned('clip.bin', CHUNK_BYTES + 2000)]);
    const { uploadId } = (await (await p.announce()).json()) as { uploadId: string };
    const text = utf8('in the clear, by mistake. ');
    /** The sealed chunk with its encrypted body replaced by text of the same length. */
    const inClear = async (sealed: Uint8Array) => {
      const length = sealed.length - wrappedKeys(sealed)!.dataStart;
      const plain = Uint8Array.from({ length }, (_, i) => text[i % text.length]!);
      const forged = await withBody(sealed, plain);
      // The recipient packets still name every key: only the body gives it away.
      expect(forged.getEncryptionKeyIDs().length).toBeGreaterThanOrEqual(2);
      return forged.write() as Uint8Array;
    };
    const first = await p.seal(0);
    before = await rowCounts(h.ctx);
    await expectRefused(await p.send(uploadId, 0, await inClear(first)), 422, 'not_encrypted');
    // The real first chunk is taken; a later one with the file's packets and text behind is not.
    expect((await p.send(uploadId, 0, first)).status).toBe(201);
    before = await rowCounts(h.ctx);
    const second = await inClear(await p.seal(1));
    await expectRefused(await p.send(uploadId, 1, second), 422, 'not_encrypted');
  });
});
