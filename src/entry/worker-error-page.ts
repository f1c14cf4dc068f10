// The answer when the Worker's setup is wrong (bindings, vars, unmigrated database): a 503 that
// says what to fix, as the JSON error envelope for the API and a plain page for browsers.
import { ConfigError } from '../config';
import { errorBody } from '../http/errors';

/** A setup problem the operator must fix; its message is safe to show (no values, no secrets). */
export class WorkerSetupError extends Error {}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

export function setupErrorResponse(request: Request, err: unknown): Response {
  const known = err instanceof ConfigError || err instanceof WorkerSetupError;
  // Unknown failures (say, the database briefly unreachable) say nothing about internals.
  const detail = known ? err.message : 'The portal could not reach its storage. Please try again.';
  console.error(`[setup] ${known ? detail : (err as Error)?.name}`);
  const headers = {
    'Cache-Control': 'no-store',
    'Retry-After': '30',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
  };
  if (new URL(request.url).pathname.startsWith('/api/')) {
    const body = errorBody('unavailable', `The portal is not available. ${detail}`, '');
    return Response.json(body, { status: 503, headers });
  }
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portal unavailable</title></head>
<body><h1>The portal is not available</h1>
<p>${known ? 'Its setup needs fixing by the operator:' : ''}</p>
<pre>${escapeHtml(detail)}</pre>
<p>Nothing you sent was saved.</p></body></html>
`;
  return new Response(page, {
    status: 503,
    headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
  });
}
