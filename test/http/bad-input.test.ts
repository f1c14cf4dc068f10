// Every route answers bad input with a clear 4xx JSON error and stores nothing.
// scenario: node and workerd
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { units as unitsTable } from '../../db/schema';
import { powHeaders } from '../../src/client/pow';
import { openCase, sendMessage, submitReport } from '../../src/client/reporter';
import type { UnitView } from '../../src/client/types';
import {
  chunkLayout,
  deriveReceiptSecrets,
  generateReceipt,
  generateReporterKey,
  sealJson,
  solvePow,
  unlockPrivateKey,
} from '../../src/crypto';
import { guards } from '../../src/lib/guards';
import { MAX_CHUNK_BODY } from '../../src/uploads/routes';
import { rowCounts } from '../helpers/db';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';
import {
  draftWithFiles,
  type PendingFollowUp,
  patterned,
  pendingFollowUp,
} from '../helpers/uploads';

let h: Harness;
let units: UnitView[];
let token: string;
let reportMessageId: string;
let followUpId: string;
let pending: PendingFollowUp;
let before: Record<string, number>;

beforeAll(async () => {
  h = await makeHarness({ MAX_ATTACHMENT_MB: '1' });
  units = await h.units();
  const { receipt } = await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('baseline'),
    files: [],
  });
  const session = await openCase(h.fetcher, receipt);
  token = session.lookupToken;
  reportMessageId = session.view.messages[0]!.id;
  followUpId = (await sendMessage(session, 'a follow-up without files', [])).messageId;
  // A message announced with a file: it waits, pending, for the file to come through /api/uploads.
  pending = await pendingFollowUp(h, [patterned('evidence.bin', 3000)], session);
});
afterAll(() => h.close());
beforeEach(async () => {
  before = await rowCounts(h.ctx);
});

async function expectRejected(res: Response, status: number | number[], code?: string) {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses).toContain(res.status);
  const body = (await res.json()) as {
    error: { code: string; message: string; requestId: string };
  };
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(body.error.requestId).toBeTruthy();
  if (code) expect(body.error.code).toBe(code);
  // Paid work is spent before the body is read, whatever becomes of the request: the one row a
  // refused submission may leave is its spent challenge.
  const after = await rowCounts(h.ctx);
  expect(after.pow_spent! - before.pow_spent!).toBeLessThanOrEqual(1);
  expect({ ...after, pow_spent: 0 }).toEqual({ ...before, pow_spent: 0 });
  before = after;
}

async function freshPow(purpose = 'submit') {
  const c = (await (await h.app.request(`/api/pow?purpose=${purpose}`)).json()) as {
    challenge: string;
    difficulty: number;
  };
  return powHeaders({ challenge: c.challenge, nonce: await solvePow(c.challenge, c.difficulty) });
}

/** Posts; a submission or enrolment gets freshly solved work in its headers unless it brings some. */
const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
  h.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(PAID.has(path) && !headers['x-pow-challenge'] ? await freshPow() : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const PAID = new Set(['/api/reports', '/api/supervisors/enrol']);

/** A body that would be accepted, for mutating one field at a time. */
async function validReport(overrides: Record<string, unknown> = {}) {
  const unit = demoUnit(units, 'basic');
  const receipt = generateReceipt();
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(receipt);
  const keys = await generateReporterKey(keyPassphrase);
  const signingKey = await unlockPrivateKey(keys.lockedKey, keyPassphrase);
  const report = await sealJson(
    { v: 1, type: 'report', whatHappened: 'x' },
    { recipients: [...unit.keys.map((k) => k.publicKey), keys.publicKey], signingKey },
  );
  return {
    body: {
      unitId: unit.id,
      copyToParent: false,
      lookupToken,
      reporterPublicKey: keys.publicKey,
      reporterLockedKey: keys.lockedKey,
      report,
      ...overrides,
    },
    keys,
    signingKey,
    receipt,
  };
}

describe('POST /api/reports', () => {
  it('accepts the valid body these cases mutate', async () => {
    const { body } = await validReport();
    expect((await post('/api/reports', body)).status).toBe(201);
  });
  it('rejects non-JSON, wrong content type, wrong types and unknown fields', async () => {
    await expectRejected(await post('/api/reports', '{not json'), 400, 'invalid_request');
    await expectRejected(
      await h.app.request('/api/reports', {
        method: 'POST',
        body: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await freshPow()) },
      }),
      415,
    );
    await expectRejected(await post('/api/reports', []), 400);
    await expectRejected(await post('/api/reports', (await validReport({ unitId: 42 })).body), 400);
    await expectRejected(
      await post('/api/reports', (await validReport({ copyToParent: 'yes' })).body),
      400,
    );
    await expectRejected(
      await post('/api/reports', (await validReport({ ipAddress: '10.0.0.1' })).body),
      400,
    );
    // The work travels in headers now; a body that still carries it is refused.
    await expectRejected(
      await post('/api/reports', (await validReport({ pow: { challenge: 'x', nonce: '1' } })).body),
      400,
    );
  });
  it('rejects oversize bodies before reading them', async () => {
    await expectRejected(
      await post('/api/reports', { report: 'x'.repeat(5 * 1024 * 1024) }),
      413,
      'payload_too_large',
    );
  });
  it('rejects content that is not an encrypted OpenPGP message', async () => {
    const fake = '-----BEGIN PGP MESSAGE-----\n\nbm90IGEgbWVzc2FnZQ==\n-----END PGP MESSAGE-----';
    await expectRejected(
      await post('/api/reports', (await validReport({ report: fake })).body),
      422,
      'not_encrypted',
    );
    await expectRejected(
      await post('/api/reports', (await validReport({ report: 'plain words' })).body),
      400,
    );
    const v = await validReport();
    const signedOnly = await openpgp.sign({
      message: await openpgp.createMessage({ text: 'plaintext' }),
      signingKeys: v.signingKey,
    });
    await expectRejected(
      await post('/api/reports', { ...v.body, report: signedOnly }),
      422,
      'not_encrypted',
    );
    const symmetric = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'x' }),
      passwords: ['pw'],
    });
    await expectRejected(
      await post('/api/reports', { ...v.body, report: symmetric }),
      422,
      'not_encrypted',
    );
  });
  it('rejects a report not encrypted to every key of the unit', async () => {
    const v = await validReport();
    const onlyReporter = await sealJson(
      { x: 1 },
      { recipients: [v.keys.publicKey], signingKey: v.signingKey },
    );
    await expectRejected(
      await post('/api/reports', { ...v.body, report: onlyReporter }),
      422,
      'wrong_recipients',
    );
    const v2 = await validReport({ copyToParent: true });
    await expectRejected(await post('/api/reports', v2.body), 422, 'wrong_recipients');
  });
  it('rejects bad reporter keys', async () => {
    const v = await validReport();
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'x' }],
      format: 'armored',
    });
    await expectRejected(
      await post('/api/reports', { ...v.body, reporterLockedKey: privateKey }),
      422,
      'key_rejected',
    );
    await expectRejected(
      await post('/api/reports', { ...v.body, reporterPublicKey: v.body.reporterLockedKey }),
      400,
    );
    const other = await validReport();
    await expectRejected(
      await post('/api/reports', { ...v.body, reporterLockedKey: other.keys.lockedKey }),
      422,
      'key_rejected',
    );
  });
  it('refuses a unit with no active key: nobody could read the report', async () => {
    const keyless = 'KeylessUnit00000000001';
    await h.ctx.db.insert(unitsTable).values({
      id: keyless,
      parentId: demoUnit(units, 'basic').parentId,
      name: 'Keyless unit',
      nameZh: '无密钥单位',
      level: 'basic',
    });
    before = await rowCounts(h.ctx);
    const v = await validReport({ unitId: keyless });
    await expectRejected(await post('/api/reports', v.body), 409, 'conflict');
  });
  it('rejects missing, forged, wrong-purpose and replayed proofs of work, and unknown units', async () => {
    const v = await validReport();
    const paid = await freshPow();
    const forged = { ...paid, 'x-pow-challenge': `${paid['x-pow-challenge']}x` };
    const bare = { 'x-pow-challenge': '', 'x-pow-nonce': '' };
    await expectRejected(await post('/api/reports', v.body, bare), 403, 'pow_invalid');
    await expectRejected(await post('/api/reports', v.body, forged), 403, 'pow_invalid');
    await expectRejected(
      await post('/api/reports', v.body, await freshPow('lookup')),
      403,
      'pow_invalid',
    );
    await expectRejected(
      await post('/api/reports', { ...v.body, unitId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      404,
    );
    expect((await post('/api/reports', v.body, paid)).status).toBe(201);
    before = await rowCounts(h.ctx);
    const again = await validReport();
    // The database holds every spend under a unique key, so a replay is refused in any process.
    await expectRejected(await post('/api/reports', again.body, paid), 403, 'pow_invalid');
  });
  it('refuses a replay after a restart, of a refused submission’s work and of a stored one’s', async () => {
    const refusedPow = await freshPow();
    const storedPow = await freshPow();
    await expectRejected(await post('/api/reports', { unitId: 'x' }, refusedPow), 400);
    expect((await post('/api/reports', (await validReport()).body, storedPow)).status).toBe(201);
    before = await rowCounts(h.ctx);
    // A restart forgets the claims held in memory; the spends written to the database remain:
    // the refused request's on its own, the stored report's in the report's own transaction.
    guards(h.ctx).local.claims.clear();
    const counts = await rowCounts(h.ctx);
    expect(counts.pow_spent).toBeGreaterThanOrEqual(2);
    for (const pow of [refusedPow, storedPow])
      await expectRejected(
        await post('/api/reports', (await validReport()).body, pow),
        403,
        'pow_invalid',
      );
    expect(await rowCounts(h.ctx)).toEqual(counts);
  });
  it('keeps one of two submissions racing on one proof of work', async () => {
    const [first, second, third] = await Promise.all([validReport(), validReport(), validReport()]);
    const shared = await freshPow();
    const answers = await Promise.all([
      post('/api/reports', first.body, shared),
      post('/api/reports', second.body, shared),
      post('/api/reports', third.body),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 403]);
    const refused = answers.find((r) => r.status === 403)!;
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('pow_invalid');
    const after = await rowCounts(h.ctx);
    for (const table of ['reports', 'messages', 'case_events', 'pow_spent']) {
      expect(after[table], table).toBe(before[table]! + 2);
    }
  });
});

describe('other routes', () => {
  it('GET /api/pow rejects unknown purposes and parameters', async () => {
    await expectRejected(await h.app.request('/api/pow?purpose=mine'), 400);
    await expectRejected(await h.app.request('/api/pow?purpose=submit&x=1'), 400);
  });
  it('GET /api/receipt requires a proof of work', async () => {
    await expectRejected(
      await h.app.request('/api/receipt', { headers: { 'x-lookup-token': token } }),
      403,
      'pow_invalid',
    );
  });
  it('POST /api/receipt/messages and /retaliation validate bodies', async () => {
    const auth = { 'x-lookup-token': token };
    await expectRejected(await post('/api/receipt/messages', { message: 'hello' }, auth), 400);
    await expectRejected(
      await post(
        '/api/receipt/messages',
        { message: '-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----' },
        auth,
      ),
      422,
    );
    await expectRejected(
      await post('/api/receipt/messages', { message: 'x', extra: true }, auth),
      400,
    );
    await expectRejected(await post('/api/receipt/retaliation', { details: 42 }, auth), 400);
    await expectRejected(
      await post('/api/receipt/retaliation', { kind: 'threats', details: 'plain' }, auth),
      400,
    );
    await expectRejected(
      await post('/api/receipt/messages', { message: 'x'.repeat(3 * 1024 * 1024) }, auth),
      413,
    );
  });
  it('POST /api/receipt/attachments is gone: no file joins a message supervisors may see', async () => {
    // A chunk sealed to the case's keys, offered to a message already stored: the whole-file route
    // that took it is removed, and the answer is the JSON envelope, not a 500.
    const sealed = await pending.seal(0);
    await expectRejected(
      await h.app.request(`/api/receipt/attachments?message=${followUpId}`, {
        method: 'POST',
        headers: { 'x-lookup-token': token, 'content-type': 'application/octet-stream' },
        body: sealed as Uint8Array<ArrayBuffer>,
      }),
      [404, 405],
    );
  });
  it('POST /api/reports/files is gone: a draft’s files come only in chunks', async () => {
    // A draft waiting for its one file, and that file sealed as the page seals it: the route that
    // took a draft's file whole is removed, and the answer is the JSON envelope, not a 500.
    const draft = await draftWithFiles(h, [patterned('evidence.bin', 3000)], 0);
    const sealed = await draft.seal(0);
    before = await rowCounts(h.ctx);
    for (const query of ['?index=0', '']) {
      await expectRejected(
        await h.app.request(`/api/reports/files${query}`, {
          method: 'POST',
          headers: { ...draft.headers, 'content-type': 'application/octet-stream' },
          body: sealed as Uint8Array<ArrayBuffer>,
        }),
        [404, 405],
      );
    }
  });
  it('POST /api/uploads validates the message, the announced size and the order of files', async () => {
    const auth = { 'x-lookup-token': token };
    const layout = chunkLayout(pending.files[0]!);
    const valid = {
      messageId: pending.messageId,
      index: 0,
      total: layout.total,
      chunks: layout.count,
      tag: 'T'.repeat(22),
    };
    const announce = (over: Record<string, unknown>, headers = auth) =>
      post('/api/uploads', { ...valid, ...over }, headers);
    await expectRejected(await post('/api/uploads', '{not json', auth), 400, 'invalid_request');
    await expectRejected(await announce({ messageId: undefined }), 400);
    await expectRejected(await announce({ messageId: '../../etc/passwd' }), 400);
    await expectRejected(await announce({ extra: true }), 400);
    await expectRejected(await announce({ total: 5000 }), 400, 'invalid_request');
    await expectRejected(await announce({ chunks: 2 }), 400, 'invalid_request');
    await expectRejected(await announce({ total: 2 ** 32 }), 413, 'payload_too_large');
    await expectRejected(await announce({ messageId: 'AAAAAAAAAAAAAAAAAAAAAA' }), 404);
    // The report's own files came with the report; a stored message takes no file.
    await expectRejected(await announce({ messageId: reportMessageId }), 404);
    await expectRejected(await announce({ messageId: followUpId }), 404);
    await expectRejected(await announce({ index: 1 }), 409, 'conflict');
    await expectRejected(await announce({}, { 'x-lookup-token': 'A'.repeat(43) }), 404);
    await expectRejected(await announce({ tag: 'x'.repeat(2000) }), 413);
  });
  it('POST /api/uploads/:id/chunks/:n validates path, order, type, size and ciphertext', async () => {
    const started = await pending.announce();
    expect(started.status).toBe(201);
    const { uploadId } = (await started.json()) as { uploadId: string };
    before = await rowCounts(h.ctx);
    const chunk = (n: string | number, body: Uint8Array, type = 'application/octet-stream') =>
      h.app.request(`/api/uploads/${uploadId}/chunks/${n}`, {
        method: 'POST',
        headers: { 'x-lookup-token': token, 'content-type': type },
        body: body as Uint8Array<ArrayBuffer>,
      });
    const total = chunkLayout(pending.files[0]!).total;
    // Plaintext of a size the chunk could have: only its contents give it away.
    const plain = new TextEncoder().encode(
      'plain file contents '.repeat(total / 16).slice(0, total),
    );
    const sealed = await pending.seal(0);
    await expectRejected(await chunk('x', sealed), 400);
    await expectRejected(await chunk(-1, sealed), 400);
    await expectRejected(await chunk(1, sealed), 409, 'conflict');
    await expectRejected(await chunk(0, sealed, 'text/plain'), 415);
    await expectRejected(await chunk(0, new Uint8Array(0)), 400);
    await expectRejected(await chunk(0, plain.subarray(0, 100)), 400, 'invalid_request');
    await expectRejected(await chunk(0, plain), 422, 'not_encrypted');
    await expectRejected(await chunk(0, new Uint8Array(MAX_CHUNK_BODY + 1)), 413);
    await expectRejected(
      await h.app.request(`/api/uploads/${'A'.repeat(22)}/chunks/0`, {
        method: 'POST',
        headers: { 'x-lookup-token': token, 'content-type': 'application/octet-stream' },
        body: sealed as Uint8Array<ArrayBuffer>,
      }),
      404,
    );
  });
  it('GET /api/receipt/attachments/:id rejects malformed and unknown IDs', async () => {
    await expectRejected(
      await h.app.request('/api/receipt/attachments/..%2F..%2Fetc', {
        headers: { 'x-lookup-token': token },
      }),
      [400, 404],
    );
    await expectRejected(
      await h.app.request('/api/receipt/attachments/AAAAAAAAAAAAAAAAAAAAAA', {
        headers: { 'x-lookup-token': token },
      }),
      404,
    );
  });
  it('unknown routes and methods get the JSON envelope', async () => {
    await expectRejected(await h.app.request('/api/nothing'), 404);
    await expectRejected(await h.app.request('/api/units', { method: 'DELETE' }), [404, 405]);
  });
});
