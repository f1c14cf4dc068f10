// A small JSON client for the portal's API, shared by the browser pages, the CLI and the tests.
// `fetcher` is `fetch` in a browser, or `app.request` in tests.

export type Fetcher = (path: string, init?: RequestInit) => Response | Promise<Response>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's reference for this request, for a person to quote when asking for help. */
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function callApi<T>(
  fetcher: Fetcher,
  path: string,
  init: RequestInit = {},
): Promise<T> {
  const res = await fetcher(path, init);
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    const json = type.includes('json');
    // A body that is not read is cancelled, so that the request does not stay open.
    if (!json) await res.body?.cancel();
    const body = json
      ? ((await res.json()) as { error?: { code?: string; message?: string; requestId?: string } })
      : {};
    throw new ApiError(
      res.status,
      body.error?.code ?? 'http_error',
      body.error?.message ?? `HTTP ${res.status}`,
      body.error?.requestId,
    );
  }
  if (type.includes('application/octet-stream'))
    return new Uint8Array(await res.arrayBuffer()) as T;
  return (await res.json()) as T;
}

export const jsonInit = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
