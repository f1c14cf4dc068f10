// The portal's one family of errors: services throw these, knowing nothing of HTTP; the HTTP
// layer maps each code to a status in one place (src/http/errors.ts).

export type ErrorCode =
  | 'invalid_request'
  | 'not_encrypted'
  | 'wrong_recipients'
  | 'key_rejected'
  | 'pow_invalid'
  | 'not_found'
  | 'gone'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Not found.') => new AppError('not_found', what);

/** A refusal under load; `retryAfter` (seconds) becomes the Retry-After header. */
export class BusyError extends AppError {
  constructor(
    message: string,
    readonly retryAfter: number,
    details?: unknown,
  ) {
    super('too_many_requests', message, details);
  }
}
