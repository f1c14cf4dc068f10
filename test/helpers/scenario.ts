// Runtime-neutral helpers shared by the Node harness and the workerd harness, so the same
// scenario files run in both (no node: imports here).
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, expect } from 'vitest';
import { decideSupervisor } from '../../src/client/admin';
import type { Fetcher } from '../../src/client/api';
import { powHeaders, proofOfWork } from '../../src/client/pow';
import { submitReport } from '../../src/client/reporter';
import { signIn } from '../../src/client/supervisor';
import type { UnitView } from '../../src/client/types';
import { unlockPrivateKey } from '../../src/crypto';
import type { DemoKey } from '../../src/demo/seed';

/** Units by demo slug: basic (lowest), intermediate, provincial (highest). */
export function demoUnit(
  units: UnitView[],
  level: 'basic' | 'intermediate' | 'provincial',
): UnitView {
  const unit = units.find((u) => u.level === level);
  if (!unit) throw new Error(`no ${level} unit`);
  return unit;
}

export const sampleReport = (whatHappened: string) => ({
  category: 'interference' as const,
  whatHappened,
  when: '2026-10-02',
  where: 'Courtroom 3',
  who: 'A vice-president of the court',
  howKnown: 'I was present',
});

/** A fetcher that keeps cookies like a browser would, for supervisor sessions. */
export function withCookies(fetcher: Fetcher): Fetcher & { jar: Map<string, string> } {
  const jar = new Map<string, string>();
  const wrapped = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetcher(path, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      if (/max-age=0/i.test(line) || value.join('=') === '') jar.delete(name.trim());
      else jar.set(name.trim(), value.join('='));
    }
    return res;
  };
  return Object.assign(wrapped, { jar });
}

/** The unlocked demo key of a unit's supervisor (or of the demo admin / auditor). */
export async function demoKey(h: { demoKeys: DemoKey[]; passphrase: string }, name: string) {
  const key = h.demoKeys.find((k) => k.name === name);
  if (!key) throw new Error(`no demo key ${name}`);
  return unlockPrivateKey(key.privateKey, h.passphrase);
}

/**
 * Enrols a key in a unit, as a new supervisor would; it stays pending. Without `key`, a fresh
 * GnuPG-compatible one.
 */
export async function enrolKey(
  h: { fetcher: Fetcher },
  unitId: string,
  displayName: string,
  key?: openpgp.PrivateKey,
): Promise<{ id: string; key: openpgp.PrivateKey; publicKey: string }> {
  const { privateKey, publicKey } = key
    ? { privateKey: key, publicKey: key.toPublic() }
    : await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: displayName }],
        format: 'object',
      });
  const pow = await proofOfWork(h.fetcher, 'submit');
  const res = await h.fetcher('/api/supervisors/enrol', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...powHeaders(pow) },
    body: JSON.stringify({ unitId, displayName, publicKey: publicKey.armor() }),
  });
  if (res.status !== 201) throw new Error(`enrolment failed: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, key: privateKey, publicKey: publicKey.armor() };
}

/**
 * The demo administrator approves, rejects or revokes a key. An approval takes four eyes: the
 * demo auditor approves after the administrator, and only then is the key active.
 */
export async function decideAsAdmin(
  h: { fetcher: Fetcher; demoKeys: DemoKey[]; passphrase: string },
  id: string,
  decision: 'approve' | 'reject' | 'revoke',
) {
  const admin = await signIn(withCookies(h.fetcher), await demoKey(h, 'admin'));
  await decideSupervisor(admin, id, decision);
  if (decision !== 'approve') return;
  const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
  await decideSupervisor(auditor, id, 'approve');
}

/** The demo auditor gives a key the second approval it needs (after the operator's or an admin's). */
export async function approveAsAuditor(
  h: { fetcher: Fetcher; demoKeys: DemoKey[]; passphrase: string },
  id: string,
) {
  const auditor = await signIn(withCookies(h.fetcher), await demoKey(h, 'auditor'));
  return decideSupervisor(auditor, id, 'approve');
}

/** A supervisor signed in with a key (a demo key by its name, or any unlocked key). */
export async function signedIn(
  h: { fetcher: Fetcher; demoKeys: DemoKey[]; passphrase: string },
  key: string | openpgp.PrivateKey,
) {
  return signIn(withCookies(h.fetcher), typeof key === 'string' ? await demoKey(h, key) : key);
}

/** A new supervisor's key in a unit, enrolled and approved with four eyes: active at once. */
export async function approvedKey(
  h: { fetcher: Fetcher; demoKeys: DemoKey[]; passphrase: string },
  unitId: string,
  displayName: string,
  key?: openpgp.PrivateKey,
) {
  const enrolled = await enrolKey(h, unitId, displayName, key);
  await decideAsAdmin(h, enrolled.id, 'approve');
  return enrolled;
}

/** The id in the CLI's `created ROLE ID (…)` line. */
export const createdId = (stdout: string) =>
  /created \w+ ([A-Za-z0-9_-]{22})/.exec(stdout)?.[1] ?? '';

/** A reporter submits a report to the demo unit of a level (no copy to the unit above). */
export async function reportTo(
  h: { fetcher: Fetcher; units: () => Promise<UnitView[]> },
  level: 'basic' | 'intermediate' | 'provincial',
  text: string,
  files: { name: string; type: string; bytes: Uint8Array }[] = [],
) {
  const units = await h.units();
  return submitReport(h.fetcher, {
    units,
    unitId: demoUnit(units, level).id,
    copyToParent: false,
    report: sampleReport(text),
    files,
  });
}

/**
 * The portal for one test file, made before its tests and closed after them: replaces the
 * `let h; beforeAll(make); afterAll(close)` lines each file used to repeat. `setup` runs once
 * the harness exists (sign-ins, a first report); its result is `h.setup`. The returned object
 * stands for the harness made in beforeAll, so `h.fetcher` reads as before inside tests.
 */
export function harnessHooks<H extends object & { close: () => Promise<void> }, S>(
  make: () => Promise<H>,
  setup?: (h: H) => Promise<S>,
): H & { setup: S } {
  let made: (H & { setup: S }) | undefined;
  beforeAll(async () => {
    const h = await make();
    made = Object.assign(h, { setup: (setup ? await setup(h) : undefined) as S });
  });
  afterAll(() => made?.close());
  return new Proxy({} as H & { setup: S }, {
    get(_, prop) {
      if (!made) throw new Error('the harness is made in beforeAll: use it inside hooks and tests');
      return Reflect.get(made, prop, made);
    },
  });
}

/** What a client sees of a refusal: status and error body, less the per-request id. */
async function refusal(fetcher: Fetcher, path: string, init?: RequestInit) {
  const res = await fetcher(path, init);
  const text = await res.text();
  let error: unknown = text;
  try {
    const parsed = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    // The request id differs for every request, whatever it asked.
    if (parsed) delete parsed.requestId;
    error = parsed ?? text;
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, error };
}

/**
 * Checks that something out of reach answers exactly as something absent: the same status, code
 * and message, so the answer tells no one that it exists. `missing` is the same route with an id
 * that exists nowhere. Returns the shared answer for further checks.
 */
export async function expectLikeMissing(
  fetcher: Fetcher,
  unreachable: string,
  missing: string,
  init?: RequestInit,
) {
  const a = await refusal(fetcher, unreachable, init);
  const b = await refusal(fetcher, missing, init);
  expect(a.status).toBeGreaterThanOrEqual(400);
  expect(a.status).toBeLessThan(500);
  expect(a).toEqual(b);
  return a;
}
