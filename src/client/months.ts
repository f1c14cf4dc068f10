// The portal over months, over the API: notice settings, deletion warnings, legal holds, early
// deletion and a unit's retention period. Used by the supervisor page and the tests.

import type { NoticeRegistered, NoticeSettings, NoticesStopped } from '../contract/notify';
import type { RetentionResponse, TwoPersonStep, UpcomingDeletions } from '../contract/retention';
import type { SignedIn } from './admin';
import { callApi, jsonInit } from './api';

const send = <T>(s: SignedIn, method: string, path: string, body?: unknown) =>
  callApi<T>(s.fetcher, path, {
    ...jsonInit(body ?? {}, { 'x-csrf-token': s.csrfToken }),
    method,
  });

export type { NoticeSettings };

export const noticeSettings = (s: SignedIn) => callApi<NoticeSettings>(s.fetcher, '/api/notify');

export const registerNotices = (
  s: SignedIn,
  body: { email: string; digestHour: number; onlyWhenActive: boolean; encryptDetails: boolean },
) => send<NoticeRegistered>(s, 'POST', '/api/notify', body);

export const stopNotices = (s: SignedIn) => send<NoticesStopped>(s, 'DELETE', '/api/notify');

export const upcomingDeletions = (s: SignedIn) =>
  callApi<UpcomingDeletions>(s.fetcher, '/api/retention/upcoming');

export type Step = TwoPersonStep;

export const legalHold = (s: SignedIn, caseId: string, hold: boolean) =>
  send<Step>(s, 'POST', `/api/cases/${encodeURIComponent(caseId)}/hold`, { hold });

export const deleteEarly = (s: SignedIn, caseId: string) =>
  send<Step>(s, 'POST', `/api/admin/cases/${encodeURIComponent(caseId)}/delete`);

export const setRetention = (s: SignedIn, unitId: string, months: number) =>
  send<RetentionResponse>(s, 'POST', `/api/admin/units/${encodeURIComponent(unitId)}/retention`, {
    months,
  });
