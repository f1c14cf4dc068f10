// Threat: hostile input crashing the server or slipping rows past validation. Property-based
// fuzzing of every route with random and malformed bodies, headers and paths: never a 5xx, and a
// rejected request never leaves a row behind.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase, submitReport } from '../../src/client/reporter';
import { inbox, signIn } from '../../src/client/supervisor';
import { chunkLayout } from '../../src/crypto';
import { rowCounts } from '../helpers/db';
import {
  demoKey,
  demoUnit,
  type Harness,
  makeHarness,
  sampleReport,
  withCookies,
} from '../helpers/harness';
import { patterned, pendingFollowUp } from '../helpers/uploads';

let h: Harness;
let cookie = '';
let csrf = '';
let token = '';
let caseId = '';
let uploadId = '';
let total = 0;
let sealed: Uint8Array = new Uint8Array(0);

beforeAll(async () => {
  h = await makeHarness({ LOOKUPS_PER_SECOND: '100000', SIGN_IN_FAILURES: '1000' });
  const units = await h.units();
  const { receipt } = await submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    report: sampleReport('fuzz'),
    files: [],
  });
  const session = await openCase(h.fetcher, receipt);
  token = session.lookupToken;
  // A follow-up message announced with a file, and the file announced: a real upload awaits chunk 0.
  const pending = await pendingFollowUp(h, [patterned('evidence.bin', 3000)], session);
  const started = (await (await pending.announce()).json()) as { uploadId: string };
  uploadId = started.uploadId;
  total = chunkLayout(pending.files[0]!).total;
  sealed = await pending.seal(0);
  const jar = withCookies(h.fetcher);
  const sup = await signIn(jar, await demoKey(h, 'basic-supervisor'));
  csrf = sup.csrfToken;
  cookie = [...jar.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  caseId = (await inbox(sup)).items[0]!.id;
});
afterAll(() => h.close());

const ROUTES = [
  '/api/units',
  '/api/pow',
  '/api/reports',
  '/api/receipt',
  '/api/receipt/messages',
  '/api/receipt/retaliation',
  // Gone: files come through /api/uploads. Still fuzzed, so its absence is a clean 4xx.
  '/api/receipt/attachments',
  '/api/receipt/attachments/:id',
  '/api/receipt/pending',
  '/api/uploads',
  '/api/uploads/:id/chunks/0',
  '/api/uploads/:upload/chunks/0',
  '/api/uploads/:upload/chunks/:id',
  '/api/limits',
  '/api/openapi.json',
  '/api/auth/challenge',
  '/api/auth/sign-in',
  '/api/auth/sign-out',
  '/api/auth/me',
  '/api/supervisors/enrol',
  '/api/admin/supervisors',
  '/api/admin/supervisors/:id/approve',
  '/api/admin/units',
  '/api/cases',
  '/api/cases/:id',
  '/api/cases/:id/access',
  '/api/cases/:id/replies',
  '/api/cases/:id/state',
  '/api/cases/:id/classification',
  '/api/cases/:id/attachments/:id',
  '/api/retaliation',
  '/api/retaliation/:id/state',
  '/api/stats',
  '/api/public/stats',
  '/api/audit',
  '/api/audit/verify',
];

const segment = fc.oneof(
  fc.constantFrom(
    'AAAAAAAAAAAAAAAAAAAAAA',
    '..',
    '%2e%2e%2f',
    '%00',
    'ü',
    '<script>',
    "'",
    '9'.repeat(300),
  ),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);
const path = fc.oneof(
  fc
    .tuple(fc.constantFrom(...ROUTES), segment, fc.boolean())
    .map(([route, seg, real]) =>
      route.replace(/:upload/g, () => uploadId).replace(/:id/g, () => (real ? caseId : seg)),
    ),
  fc.array(segment, { maxLength: 5 }).map((s) => `/api/${s.join('/')}`),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?purpose=lookup',
    '?purpose=submit',
    `?message=${'x'.repeat(22)}`,
    '?state=closed&limit=0',
    '?limit=-1',
    '?cursor=%FF',
    '?format=csv',
  ),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 })
    .map((d) => `?${new URLSearchParams(d)}`),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '{"__proto__":{"x":1}}',
    '{"report":"-----BEGIN PGP MESSAGE-----\\n\\nAAAA\\n-----END PGP MESSAGE-----"}',
  ),
  fc.uint8Array({ maxLength: 300 }),
);
const headers = fc.record({
  'content-type': fc.constantFrom(
    'application/json',
    'application/octet-stream',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/json; charset=utf-16',
    '',
  ),
  withToken: fc.boolean(),
  withSession: fc.boolean(),
  withCsrf: fc.boolean(),
  noise: fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
});

describe('fuzzing every route', () => {
  it('never answers 5xx and never stores a row for a rejected request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        path,
        query,
        body,
        headers,
        async (method, p, q, b, hd) => {
          const before = await rowCounts(h.ctx);
          const init: RequestInit = { method, headers: {} };
          const hs = init.headers as Record<string, string>;
          if (hd['content-type']) hs['content-type'] = hd['content-type'];
          if (hd.withToken) hs['x-lookup-token'] = token;
          if (hd.withSession) hs.cookie = cookie;
          if (hd.withCsrf) hs['x-csrf-token'] = csrf;
          hs['x-pow-challenge'] = hd.noise;
          if (b !== undefined && method !== 'GET') init.body = b as BodyInit;
          const res = await h.app.request(`${p}${q}`, init);
          expect(res.status, `${method} ${p}${q}`).toBeLessThan(500);
          if (res.headers.get('content-type')?.includes('json')) await res.json();
          if (res.status >= 400) expect(await rowCounts(h.ctx)).toEqual(before);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('survives unusual chunks for a real upload', async () => {
    // Random bytes of any length, of a length the chunk could have, and the real chunk cut short.
    const chunk = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 2000 }),
      fc.uint8Array({ minLength: total, maxLength: total + 300 }),
      fc.integer({ min: 1, max: sealed.length - 1 }).map((n) => sealed.slice(0, n)),
    );
    await fc.assert(
      fc.asyncProperty(chunk, async (bytes) => {
        const before = await rowCounts(h.ctx);
        const res = await h.app.request(`/api/uploads/${uploadId}/chunks/0`, {
          method: 'POST',
          headers: { 'x-lookup-token': token, 'content-type': 'application/octet-stream' },
          body: bytes as Uint8Array<ArrayBuffer>,
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await rowCounts(h.ctx)).toEqual(before);
      }),
      { numRuns: 100 },
    );
    // The upload still takes its real chunk afterwards: the refusals changed nothing.
    const res = await h.app.request(`/api/uploads/${uploadId}/chunks/0`, {
      method: 'POST',
      headers: { 'x-lookup-token': token, 'content-type': 'application/octet-stream' },
      body: sealed as Uint8Array<ArrayBuffer>,
    });
    expect(res.status).toBe(201);
  });
});
