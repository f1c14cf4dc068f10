// The one mapping from errors to responses: a stable envelope {error:{code,message,requestId}}.
// A 5xx never says anything about internals.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomBytes, toBase64Url } from '../crypto/encoding';
import { AppError, BusyError, type ErrorCode } from '../lib/errors';
import { isDatabaseBusy } from '../storage/db';
import type { AppEnv } from './types';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  not_encrypted: 422,
  wrong_recipients: 422,
  key_rejected: 422,
  pow_invalid: 403,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  gone: 410,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
};

export function errorBody(code: string, message: string, requestId: string, details?: unknown) {
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}

/**
 * A random reference for one error answer, which a user can quote and which is the only thing
 * logged with a server error; made only when an error is answered.
 */
const newRequestId = () => toBase64Url(randomBytes(9));

export function handleError(err: Error, c: Context<AppEnv>) {
  const requestId = newRequestId();
  if (err instanceof BusyError) c.header('Retry-After', String(err.retryAfter));
  if (err instanceof AppError) {
    return c.json(errorBody(err.code, err.message, requestId, err.details), STATUS[err.code]);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json(
      errorBody('invalid_request', err.message || 'Bad request.', requestId),
      err.status as ContentfulStatusCode,
    );
  }
  if (isDatabaseBusy(err)) {
    c.header('Retry-After', '30');
    return c.json(
      errorBody(
        'unavailable',
        'The portal is busy with its daily upkeep. Nothing was saved; please try again in a minute.',
        requestId,
      ),
      503,
    );
  }
  // Log only the error class and the request ID: never bodies, headers, or network identifiers.
  console.error(`[error] ${requestId} ${err.name}`);
  return c.json(
    errorBody(
      'internal',
      'Something went wrong on the server. Nothing was saved; please try again.',
      requestId,
    ),
    500,
  );
}

export function notFoundRoute(c: Context<AppEnv>) {
  return c.json(errorBody('not_found', 'No such route.', newRequestId()), 404);
}
