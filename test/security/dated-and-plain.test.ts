// Threats: a client that dates its key to the second (timing the submission for anyone reading
// the database), or that stores plaintext behind real recipient packets. Both are refused with a
// clear 4xx and nothing is stored. Shared with the edge project (runs in workerd too).
// scenario: node and workerd
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { openCase, sendMessage, submitReport } from '../../src/client/reporter';
import type { UnitView } from '../../src/client/types';
import {
  deriveReceiptSecrets,
  generateReceipt,
  generateReporterKey,
  pad,
  sealFile,
  sealJson,
  unlockPrivateKey,
  utf8,
} from '../../src/crypto';
import { rowCounts } from '../helpers/db';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';

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

  it('refuses a plaintext file behind real recipient packets', async () => {
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: false,
      report: sampleReport('file'),
      files: [],
    });
    const first = await openCase(h.fetcher, receipt);
    await sendMessage(first, 'a file follows');
    const s = await openCase(h.fetcher, receipt);
    const recipients = s.view.recipients.messages;
    const sealed = await sealFile(
      new Uint8Array(2000),
      { name: 'a', type: 'text/plain' },
      { recipients, signingKey: s.key },
    );
    const forged = (await withBody(sealed, new Uint8Array(4000).fill(0x41))).write();
    before = await rowCounts(h.ctx);
    const res = await h.fetcher(`/api/receipt/attachments?message=${s.view.messages[1]!.id}`, {
      method: 'POST',
      headers: { 'x-lookup-token': s.lookupToken, 'content-type': 'application/octet-stream' },
      body: forged as Uint8Array<ArrayBuffer>,
    });
    await expectRefused(res, 422, 'not_encrypted');
  });
});
