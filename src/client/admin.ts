// Administration and audit over the API, for the browser pages and the CLI: resume a session,
// approve keys, create units, read and verify the audit trail, list who opened a case.
import { CSRF_HEADER } from '../contract/headers';
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
  const me = await callApi<Omit<SignedIn, 'fetcher'>>(() => res, '/api/auth/me');
  return { fetcher, ...me };
}

const post = <T>(s: SignedIn, path: string, body: unknown) =>
  callApi<T>(s.fetcher, path, jsonInit(body, { [CSRF_HEADER]: s.csrfToken }));

export interface SupervisorRecord {
  id: string;
  unitId: string;
  displayName: string;
  role: 'supervisor' | 'admin' | 'auditor';
  status: 'pending' | 'approved' | 'rejected' | 'revoked';
  fingerprint: string;
  pseudonym: string;
  keyExpiresAt: string | null;
  enrolledAt: string;
}

export const listSupervisors = (s: SignedIn, status?: SupervisorRecord['status']) =>
  callApi<{ supervisors: SupervisorRecord[] }>(
    s.fetcher,
    `/api/admin/supervisors${status ? `?status=${status}` : ''}`,
  );

export const decideSupervisor = (
  s: SignedIn,
  id: string,
  decision: 'approve' | 'reject' | 'revoke',
) => post<SupervisorRecord>(s, `/api/admin/supervisors/${encodeURIComponent(id)}/${decision}`, {});

export interface NewUnit {
  name: string;
  nameZh: string;
  level: 'national' | 'provincial' | 'intermediate' | 'basic';
  parentId: string | null;
}

export const createUnit = (s: SignedIn, unit: NewUnit) =>
  post<{ id: string }>(s, '/api/admin/units', unit);

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  unitId: string | null;
  reportId: string | null;
  targetId: string | null;
  detail: unknown;
  hash: string;
  /** Names of the actor and unit, where they still exist. */
  actorName: string | null;
  unitName: string | null;
  unitNameZh: string | null;
}

export function auditEntries(
  s: SignedIn,
  params: { after?: number; limit?: number; action?: string; reportId?: string } = {},
) {
  const q = new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
  return callApi<{ entries: AuditEntry[]; next: number | null }>(
    s.fetcher,
    `/api/audit${q.size ? `?${q}` : ''}`,
  );
}

export type ChainCheck =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; brokenAt: number; reason: string };

export const verifyAudit = (s: SignedIn) => callApi<ChainCheck>(s.fetcher, '/api/audit/verify');

export interface AccessEntry {
  auditSeq: number;
  at: string;
  action: string;
  unitId: string | null;
  supervisor: string;
  pseudonym: string;
}

/** Every opening, download and export of a case, for tracing a leak. */
export const caseAccess = (s: SignedIn, caseId: string) =>
  callApi<{ entries: AccessEntry[] }>(s.fetcher, `/api/cases/${encodeURIComponent(caseId)}/access`);
