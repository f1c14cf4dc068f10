// The signed-in supervisor, held in this page's memory only: never in any browser storage.
import type { PrivateKey } from 'openpgp';
import type { SignedIn } from '../../../src/client/admin';
import type { SupervisorSession } from '../../../src/client/supervisor';
import { isMessageKey, t } from '../i18n';
import { ApiError, describeError } from '../lib/api';
import { showStatus } from '../lib/dom';

/** After a reload the cookie session survives but the key does not: `key` is null until imported. */
export interface Signed extends SignedIn {
  key: PrivateKey | null;
  /** Signed in with a GnuPG signature: lists work without a key; decrypting asks for the file. */
  keyless?: boolean;
}

let current: Signed | null = null;
const expiredListeners: Array<() => void> = [];

export const session = (): Signed | null => current;
export function setSession(s: Signed | null): void {
  current = s;
}

/** The full client session, when the key is in memory; case work needs it to decrypt. */
export function withKey(): SupervisorSession | null {
  const s = current;
  return s?.key ? { ...s, key: s.key } : null;
}

export function onSessionExpired(fn: () => void): void {
  expiredListeners.push(fn);
}

/** A label for a server value: translated when the catalogue knows it, raw otherwise. */
export function label(prefix: string, value: string | null | undefined): string {
  if (!value) return '—';
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

/** Shows an error in words, with the server's request reference so support can find it. */
export function showError(el: HTMLElement, err: unknown): void {
  if (err instanceof ApiError && err.status === 401 && current) {
    for (const fn of expiredListeners) fn();
    return;
  }
  const advice = describeError(err);
  if (err instanceof ApiError && err.requestId) {
    showStatus(el, 'error', 'sup.error.withRef', {
      text: t(advice.key, advice.vars),
      ref: err.requestId,
    });
  } else showStatus(el, 'error', advice.key, advice.vars);
}
