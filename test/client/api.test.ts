// The shared API client releases every response body it does not read, so no request stays open.
import { describe, expect, it } from 'vitest';
import { currentSession } from '../../src/client/admin';
import { ApiError, callApi } from '../../src/client/api';

const answer = (status: number, body: string, type: string) => {
  const res = new Response(body, { status, headers: { 'content-type': type } });
  return { res, fetcher: () => res };
};

describe('API client response bodies', () => {
  it('releases the 401 body of /api/auth/me when nobody is signed in', async () => {
    const { res, fetcher } = answer(401, '{"error":{"code":"unauthorized"}}', 'application/json');
    expect(await currentSession(fetcher)).toBeNull();
    expect(res.bodyUsed).toBe(true);
  });

  it('releases an error body that is not JSON, and still reports the status', async () => {
    const { res, fetcher } = answer(502, '<html>bad gateway</html>', 'text/html');
    const err = await callApi(fetcher, '/api/units').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(502);
    expect(res.bodyUsed).toBe(true);
  });
});
