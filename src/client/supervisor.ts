// The supervisor's work as plain functions over the API: sign in by signing a challenge with a
// key that never leaves the device, read the inbox, decrypt a case, reply, move it along.

import type { PrivateKey } from 'openpgp';
import type { ActorView, ChallengeResponse, SessionResponse } from '../contract/auth';
import type {
  CaseContent,
  ClassifyResponse,
  InboxPage,
  ReplyResponse,
  StateResponse,
} from '../contract/cases';
import type { FlagStateResponse, FlagsResponse, RetaliationFlag } from '../contract/flags';
import { CSRF_HEADER } from '../contract/headers';
import { FLAG_STATES } from '../contract/terms';
import { inspectEncryptedMessage, sealJson, signChallenge } from '../crypto';
import { callApi, type Fetcher, jsonInit } from './api';
import { downloadWhole } from './downloads';
import { readSigned } from './opened';
import { powHeaders, proofOfWork } from './pow';
import type { Content } from './types';

export interface SupervisorSession {
  fetcher: Fetcher;
  key: PrivateKey;
  csrfToken: string;
  supervisor: ActorView;
}

/** Asks for a challenge, checks it names this site (so a phishing page cannot borrow it), signs it. */
export async function signIn(
  fetcher: Fetcher,
  key: PrivateKey,
  expectedOrigin?: string,
): Promise<SupervisorSession> {
  const { challenge } = await signInChallenge(fetcher);
  if (expectedOrigin && !challenge.includes(`\norigin: ${expectedOrigin}\n`)) {
    throw new Error('The sign-in challenge names another site; refusing to sign it.');
  }
  const signature = await signChallenge(challenge, key);
  const result = await callApi<SessionResponse>(
    fetcher,
    '/api/auth/sign-in',
    jsonInit({ fingerprint: key.getFingerprint().toUpperCase(), challenge, signature }),
  );
  return { fetcher, key, ...result };
}

/**
 * A fresh single-use challenge, as plain text, for signing in the browser or with GnuPG. It is
 * paid for with a small proof of work and is good for one attempt.
 */
export async function signInChallenge(fetcher: Fetcher, onTries?: (tries: number) => void) {
  const pow = await proofOfWork(fetcher, 'sign-in', onTries);
  return callApi<ChallengeResponse>(fetcher, '/api/auth/challenge', {
    method: 'POST',
    headers: powHeaders(pow),
  });
}

/**
 * Signs in with a detached armored signature made elsewhere, e.g. `gpg --armor --detach-sign`:
 * the private key never touches the browser, so the session has no key to decrypt with.
 */
export async function signInWithSignature(
  fetcher: Fetcher,
  input: { fingerprint: string; challenge: string; signature: string },
): Promise<Omit<SupervisorSession, 'key'>> {
  const result = await callApi<SessionResponse>(
    fetcher,
    '/api/auth/sign-in',
    jsonInit({
      fingerprint: input.fingerprint.replace(/\s+/g, '').toUpperCase(),
      challenge: input.challenge,
      signature: input.signature.trim(),
    }),
  );
  return { fetcher, ...result };
}

/** Posting needs only the session's CSRF token, not the key: sign-out works after a reload too. */
type Poster = Pick<SupervisorSession, 'fetcher' | 'csrfToken'>;

const post = (s: Poster, path: string, body: unknown) =>
  callApi(s.fetcher, path, jsonInit(body, { [CSRF_HEADER]: s.csrfToken }));

export const signOut = (s: Poster) => post(s, '/api/auth/sign-out', {});

export type { CaseContent, InboxPage, RetaliationFlag };

export function inbox(
  s: Pick<SupervisorSession, 'fetcher'>,
  params: { state?: string; cursor?: string; limit?: number } = {},
) {
  const q = new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  return callApi<InboxPage>(s.fetcher, `/api/cases${q.size ? `?${q}` : ''}`);
}

export const fetchCase = (s: SupervisorSession, id: string) =>
  callApi<CaseContent>(s.fetcher, `/api/cases/${encodeURIComponent(id)}`);

/** Decrypts each message; the reporter's must be signed by the reporter's key, replies by a unit key. */
export async function decryptCase(s: SupervisorSession, c: CaseContent) {
  const mine = new Set(s.key.getKeyIDs().map((id) => id.toHex().toLowerCase()));
  return Promise.all(
    c.messages.map(async (m) => {
      // Not encrypted to this key at all (a unit that sees only flags, before any share): say so
      // plainly, rather than fail to decrypt it as if it had been tampered with.
      const ids = (await inspectEncryptedMessage(m.ciphertext)) ?? [];
      if (!ids.some((id) => mine.has(id.toLowerCase())))
        return {
          ...m,
          content: null,
          verification: 'undecryptable' as const,
          verified: false,
          notShared: true,
        };
      const verificationKeys =
        m.kind === 'reply' ? c.supervisorKeys.map((k) => k.publicKey) : [c.reporterPublicKey];
      const { content, verification } = await readSigned<Content>(m.ciphertext, {
        decryptionKeys: [s.key],
        verificationKeys,
      });
      return {
        ...m,
        content,
        verification,
        verified: verification === 'verified',
        notShared: false,
      };
    }),
  );
}

/** Where a case's file is downloaded from, and the keys its chunks must be signed by. */
export function attachmentSource(
  s: SupervisorSession,
  c: CaseContent,
  messageKind: string,
  attachmentId: string,
) {
  const verificationKeys =
    messageKind === 'reply' ? c.supervisorKeys.map((k) => k.publicKey) : [c.reporterPublicKey];
  return {
    path: `/api/cases/${encodeURIComponent(c.id)}/attachments/${encodeURIComponent(attachmentId)}`,
    options: { decryptionKeys: [s.key], verificationKeys },
  };
}

/** Downloads and decrypts a file whole (tests, small files); the page streams it to disk. */
export async function downloadAttachment(
  s: SupervisorSession,
  c: CaseContent,
  messageKind: string,
  attachmentId: string,
) {
  const { path, options } = attachmentSource(s, c, messageKind, attachmentId);
  return downloadWhole(s.fetcher, path, {}, options);
}

export async function sendReply(s: SupervisorSession, c: CaseContent, text: string) {
  const message = await sealJson(
    { v: 1, type: 'reply', text },
    { recipients: c.replyRecipients, signingKey: s.key },
  );
  return post(s, `/api/cases/${encodeURIComponent(c.id)}/replies`, {
    message,
  }) as Promise<ReplyResponse>;
}

export const setState = (s: SupervisorSession, id: string, state: string, outcome?: string) =>
  post(
    s,
    `/api/cases/${encodeURIComponent(id)}/state`,
    outcome ? { state, outcome } : { state },
  ) as Promise<StateResponse>;

export const setClassification = (s: SupervisorSession, id: string, classification: string) =>
  post(s, `/api/cases/${encodeURIComponent(id)}/classification`, {
    classification,
  }) as Promise<ClassifyResponse>;

export { FLAG_STATES };
export type FlagState = (typeof FLAG_STATES)[number];

/** The unit's retaliation flags, including those of the units below; open ones unless `all`. */
export function retaliationFlags(
  s: Pick<SupervisorSession, 'fetcher'>,
  params: { state?: FlagState; all?: boolean } = {},
) {
  const q = new URLSearchParams();
  if (params.state) q.set('state', params.state);
  if (params.all) q.set('all', '1');
  return callApi<FlagsResponse>(s.fetcher, `/api/retaliation${q.size ? `?${q}` : ''}`);
}

/** Moves a flag forward (never back); dated, shown to the reporter and audited. */
export const setFlagState = (s: Poster, id: string, state: FlagState) =>
  post(s, `/api/retaliation/${encodeURIComponent(id)}/state`, {
    state,
  }) as Promise<FlagStateResponse>;
