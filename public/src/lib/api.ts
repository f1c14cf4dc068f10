// The browser side of the API client: same-origin fetch, and API errors turned into advice.
import { ApiError, type Fetcher } from '../../../src/client/api';
import type { FollowUpQuota } from '../../../src/contract/terms';
import type { MessageKey, Vars } from '../i18n';

export { ApiError };

/** Never sends credentials or a referrer; never lets a cache keep a response. */
export const browserFetch: Fetcher = (path, init = {}) =>
  fetch(path, {
    ...init,
    credentials: 'same-origin',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
  });

export interface Advice {
  key: MessageKey;
  vars?: Vars;
}

const QUOTAS: Record<FollowUpQuota, MessageKey> = {
  message: 'error.quota.message',
  flag: 'error.quota.flag',
  bytes: 'error.quota.bytes',
};

/** A follow-up over today's quota, in words, with the hours until it starts again. */
function quotaAdvice(err: ApiError): Advice | null {
  const quota = (err.details as { quota?: unknown } | undefined)?.quota;
  if (typeof quota !== 'string' || !(quota in QUOTAS)) return null;
  const hours = Math.max(1, Math.ceil((err.retryAfter ?? 3600) / 3600));
  return { key: QUOTAS[quota as FollowUpQuota], vars: { hours } };
}

/** Says what went wrong in words that tell the reporter what to do next. */
export function describeError(err: unknown): Advice {
  if (err instanceof ApiError) {
    if (err.status === 429) return quotaAdvice(err) ?? { key: 'error.rateLimited' };
    if (err.status >= 500) return { key: 'error.server' };
    if (err.status >= 400) return { key: 'error.rejected', vars: { message: err.message } };
  }
  // fetch rejects with a TypeError when the network or the server is unreachable.
  if (err instanceof TypeError) return { key: 'error.network' };
  console.error(err);
  return { key: 'error.unexpected' };
}
