// What each scenario sends: pre-solved proof-of-work challenges and pre-built bodies for ingest
// and look-up, a signed-in supervisor session for the inbox, the same shapes for the baseline.
import { randomBytes } from 'node:crypto';
import type { Fetcher } from '../src/client/api';
import { signIn } from '../src/client/supervisor';
import { solvePow, unlockPrivateKey } from '../src/crypto';
import { DEMO_PASSPHRASE } from '../src/demo/seed';
import type { LoadSpec } from './load';
import type { Fixture } from './seed';

export type Vary = NonNullable<LoadSpec['vary']>;

/** Every scenario the bench knows, by the name `--only` takes. */
export const SCENARIO_NAMES = [
  'ingest',
  'lookup',
  'inbox-first',
  'inbox-deep',
  'baseline-ingest',
  'baseline-lookup',
  'baseline-insert',
  'baseline-select',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** One scenario: what to request, and how to make `n` distinct requests ready beforehand. */
export interface Scenario {
  name: ScenarioName;
  /** The yardstick its rate is divided by; `info` rows are shown but carry no goal. */
  baseline: ScenarioName | null;
  /** A bare row compared for information only (it does none of the required work). */
  info?: { baseline: ScenarioName };
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  prepare?: (n: number) => Promise<Vary>;
}

type Solved = { challenge: string; nonce: string };

/** Fetches and solves `n` single-use challenges, a few at a time. */
export async function solveChallenges(
  url: string,
  purpose: 'submit' | 'lookup',
  n: number,
): Promise<Solved[]> {
  const out: Solved[] = [];
  const worker = async () => {
    while (out.length < n) {
      const res = await fetch(`${url}/api/pow?purpose=${purpose}`);
      const c = (await res.json()) as { challenge: string; difficulty: number };
      out.push({ challenge: c.challenge, nonce: await solvePow(c.challenge, c.difficulty) });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out.slice(0, n);
}

/**
 * Makes the JSON body of one report submission with its own lookup token (its challenge travels
 * in headers, see `powHeaders`). The body is spliced from a template when the request is sent,
 * so a run needs no pile of bodies.
 */
export function reportBodies(fx: Fixture): () => string {
  const template = JSON.stringify({
    unitId: fx.unitId,
    copyToParent: false,
    lookupToken: '@@',
    reporterPublicKey: fx.reporter.publicKey,
    reporterLockedKey: fx.reporter.lockedKey,
    report: fx.report,
  });
  const [a, b] = template.split('@@') as [string, string];
  return () => a + randomBytes(32).toString('base64url') + b;
}

const powHeaders = (pow: Solved) => ({
  'x-pow-challenge': pow.challenge,
  'x-pow-nonce': pow.nonce,
});

/** A stand-in solution of the same size as a real one, for the baseline (which checks none). */
const FAKE_POW: Solved = {
  challenge: `submit.1700000000.2.${'A'.repeat(16)}.${'B'.repeat(43)}`,
  nonce: '5',
};

const cycle = <T>(items: T[], i: number): T => items[i % items.length]!;

/** A fetcher that keeps the session cookie, as a browser would. */
function cookieFetcher(url: string): Fetcher & { cookie: () => string } {
  let cookie = '';
  const fetcher = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(`${url}${path}`, { ...init, headers });
    for (const set of res.headers.getSetCookie()) cookie = set.split(';')[0] ?? '';
    return res;
  };
  return Object.assign(fetcher, { cookie: () => cookie });
}

export async function portalScenarios(url: string, fx: Fixture): Promise<Scenario[]> {
  const fetcher = cookieFetcher(url);
  await signIn(fetcher, await unlockPrivateKey(fx.supervisorPrivateKey, DEMO_PASSPHRASE));
  const session = { cookie: fetcher.cookie() };
  const body = reportBodies(fx);
  return [
    {
      name: 'ingest',
      baseline: 'baseline-ingest',
      info: { baseline: 'baseline-insert' },
      method: 'POST',
      path: '/api/reports',
      headers: { 'content-type': 'application/json' },
      prepare: async (n) => {
        const solved = await solveChallenges(url, 'submit', n);
        return (i) => ({ body: body(), headers: powHeaders(cycle(solved, i)) });
      },
    },
    {
      name: 'lookup',
      baseline: 'baseline-lookup',
      info: { baseline: 'baseline-select' },
      method: 'GET',
      path: '/api/receipt',
      prepare: async (n) => {
        const solved = await solveChallenges(url, 'lookup', n);
        return (i) => {
          const pow = cycle(solved, i);
          return {
            headers: { 'x-lookup-token': cycle(fx.knownTokens, i), ...powHeaders(pow) },
          };
        };
      },
    },
    {
      name: 'inbox-first',
      baseline: 'baseline-select',
      method: 'GET',
      path: '/api/cases?limit=25',
      headers: session,
    },
    {
      name: 'inbox-deep',
      baseline: 'baseline-select',
      method: 'GET',
      path: `/api/cases?limit=25&cursor=${encodeURIComponent(fx.deepCursor)}`,
      headers: session,
    },
  ];
}

/**
 * The baseline server's requests, carrying the same bodies and headers as the portal's: the two
 * yardsticks (the same writes and reads on the portal's tables, see yardstick.ts) and the two
 * bare rows (one insert, one select), kept as information.
 */
export function baselineScenarios(fx: Fixture): Scenario[] {
  const body = reportBodies(fx);
  return [
    {
      name: 'baseline-ingest',
      baseline: null,
      method: 'POST',
      path: '/same/reports',
      headers: { 'content-type': 'application/json' },
      prepare: async () => () => ({ body: body(), headers: powHeaders(FAKE_POW) }),
    },
    {
      name: 'baseline-lookup',
      baseline: null,
      method: 'GET',
      path: '/same/receipt',
      prepare: async () => (i) => ({ headers: { 'x-lookup-token': cycle(fx.knownTokens, i) } }),
    },
    {
      name: 'baseline-insert',
      baseline: null,
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/json' },
      prepare: async () => () => ({ body: body(), headers: powHeaders(FAKE_POW) }),
    },
    {
      name: 'baseline-select',
      baseline: null,
      method: 'GET',
      path: '/items',
      prepare: async () => (i) => ({ headers: { 'x-lookup-token': cycle(fx.knownTokens, i) } }),
    },
  ];
}
