// Administration and audit over the API, for the browser pages and the CLI: resume a session,
// approve keys, create units, read and verify the audit trail, list who opened a case.
import type { PrivateKey } from 'openpgp';
import type { AuditEntry, AuditHead, AuditPage, ChainCheck } from '../contract/audit';
import type { SessionResponse } from '../contract/auth';
import type { AccessEntry, AccessList } from '../contract/cases';
import { CSRF_HEADER } from '../contract/headers';
import type {
  CreatedUnit,
  DecisionResponse,
  SupervisorRecord,
  SupervisorsResponse,
} from '../contract/supervisors';
import { signChallenge } from '../crypto';
import { callApi, type Fetcher, jsonInit } from './api';
import type { SupervisorSession } from './supervisor';

/** What a signed-in request needs; no private key, so it works after a page reload too. */
export type SignedIn = Pick<SupervisorSession, 'fetcher' | 'csrfToken' | 'supervisor'>;

/** The session behind the cookie, if any; null when not signed in. */
export async function currentSession(fetcher: Fetcher): Promise<SignedIn | null> {
  const res = await fetcher('/api/auth/me', { method: 'GET' });
  if (res.status === 401) {
    // Read nothing from it, but release it: an unread body keeps the request open in browsers.
    await res.body?.cancel();
    return null;
  }
  const me = await callApi<SessionResponse>(() => res, '/api/auth/me');
  return { fetcher, ...me };
}

const post = <T>(s: SignedIn, path: string, body: unknown) =>
  callApi<T>(s.fetcher, path, jsonInit(body, { [CSRF_HEADER]: s.csrfToken }));

export type { AccessEntry, AuditEntry, ChainCheck, SupervisorRecord };

export const listSupervisors = (s: SignedIn, status?: SupervisorRecord['status']) =>
  callApi<SupervisorsResponse>(
    s.fetcher,
    `/api/admin/supervisors${status ? `?status=${status}` : ''}`,
  );

export const decideSupervisor = (
  s: SignedIn,
  id: string,
  decision: 'approve' | 'reject' | 'revoke',
) => post<DecisionResponse>(s, `/api/admin/supervisors/${encodeURIComponent(id)}/${decision}`, {});

export interface NewUnit {
  name: string;
  nameZh: string;
  level: 'national' | 'provincial' | 'intermediate' | 'basic';
  parentId: string | null;
}

export const createUnit = (s: SignedIn, unit: NewUnit) =>
  post<CreatedUnit>(s, '/api/admin/units', unit);

export function auditEntries(
  s: SignedIn,
  params: { after?: number; limit?: number; action?: string; reportId?: string } = {},
) {
  const q = new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
  return callApi<AuditPage>(s.fetcher, `/api/audit${q.size ? `?${q}` : ''}`);
}

export const verifyAudit = (s: SignedIn) => callApi<ChainCheck>(s.fetcher, '/api/audit/verify');

/** A head of the audit log signed by an auditor: the text and the armored detached signature. */
export interface Checkpoint {
  entries: number;
  hash: string;
  text: string;
  signature: string;
}

/**
 * Signs the current head with the auditor's own key (in their browser or CLI) and stores the
 * checkpoint in the portal; the caller keeps the returned copy outside it, too.
 */
export async function signCheckpoint(s: SignedIn, key: PrivateKey): Promise<Checkpoint | null> {
  const head = await callApi<AuditHead>(s.fetcher, '/api/audit/head');
  if (!head) return null;
  const signature = await signChallenge(head.text, key);
  await post(s, '/api/audit/checkpoints', { text: head.text, signature });
  return { ...head, signature };
}

/** Every opening, download and export of a case, for tracing a leak. */
export const caseAccess = (s: SignedIn, caseId: string) =>
  callApi<AccessList>(s.fetcher, `/api/cases/${encodeURIComponent(caseId)}/access`);
