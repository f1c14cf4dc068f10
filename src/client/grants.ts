// Giving cases to another key, in the granter's browser (or any client holding the key): fetch
// each item's session-key packets, decrypt only the session key, wrap it for the grantee, send the
// new packets. The bulk grant walks every case of the inbox and can resume where it stopped.

import * as openpgp from 'openpgp';
import type {
  GrantableKey,
  GrantableKeysResponse,
  GrantResponse,
  PendingItems,
} from '../contract/grants';
import { CSRF_HEADER } from '../contract/headers';
import { fromBase64Url, rewrapSessionKey, toBase64Url } from '../crypto';
import { callApi, jsonInit } from './api';
import { inbox, type SupervisorSession } from './supervisor';

export type { GrantableKey };

/** The reading keys of the signed-in supervisor's unit, theirs included, the recovery key too;
 * `recoveryBacklog` counts the unit's cases its recovery key cannot read yet. */
export const grantableKeys = (s: Pick<SupervisorSession, 'fetcher'>) =>
  callApi<GrantableKeysResponse>(s.fetcher, '/api/grants/keys');

/** Grants one case; resolves to the number of messages and files re-wrapped (0: nothing to do). */
export async function grantCase(s: SupervisorSession, caseId: string, granteeId: string) {
  const path = `/api/cases/${encodeURIComponent(caseId)}`;
  const pending = await callApi<PendingItems>(
    s.fetcher,
    `${path}/keys?for=${encodeURIComponent(granteeId)}`,
  );
  if (pending.items.length === 0) return { granted: 0 };
  const recipient = await openpgp.readKey({ armoredKey: pending.grantee.publicKey });
  const items = [];
  for (const item of pending.items) {
    const packet = await rewrapSessionKey({
      wrapped: { keyPackets: fromBase64Url(item.keyPackets), data: item.data },
      decryptionKeys: [s.key],
      recipient,
    });
    items.push({ kind: item.kind, id: item.id, packet: toBase64Url(packet) });
  }
  return callApi<GrantResponse>(
    s.fetcher,
    `${path}/grants`,
    jsonInit({ granteeId, items }, { [CSRF_HEADER]: s.csrfToken }),
  );
}

/** Where a bulk grant stands; saved by the page after each case so a reload can resume it. */
export interface BulkGrantState {
  granteeId: string;
  /** Cases already granted (or found to need nothing). */
  done: string[];
  /** Cases that failed, with the server's message; tried again on the next run. */
  failed: { id: string; message: string }[];
}

export type BulkProgress = (state: BulkGrantState, step: { done: number; total: number }) => void;

async function allCaseIds(s: SupervisorSession): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await inbox(s, { limit: 100, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/**
 * Grants every case the granter sees to one key, one case at a time, reporting after each. Given
 * the state of an interrupted run, it skips what is done; the server also skips any item the
 * grantee can already read, so running it twice is harmless.
 */
export async function grantAll(
  s: SupervisorSession,
  start: BulkGrantState,
  progress?: BulkProgress,
  signal?: AbortSignal,
): Promise<BulkGrantState> {
  const ids = await allCaseIds(s);
  const state: BulkGrantState = { ...start, done: [...start.done], failed: [] };
  const done = new Set(state.done);
  progress?.(state, { done: ids.filter((id) => done.has(id)).length, total: ids.length });
  for (const id of ids) {
    if (done.has(id)) continue;
    if (signal?.aborted) break;
    try {
      await grantCase(s, id, state.granteeId);
      done.add(id);
      state.done.push(id);
    } catch (err) {
      state.failed.push({ id, message: (err as Error).message });
    }
    progress?.(state, { done: ids.filter((x) => done.has(x)).length, total: ids.length });
  }
  return state;
}
