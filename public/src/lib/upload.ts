// Uploads with progress: fetch cannot report how much of a body has gone, XMLHttpRequest can.
import { ApiError } from '../../../src/client/api';
import type { Uploader } from '../../../src/client/reporter';
import { loadedLimits, portalLimits } from './limits';

interface ErrorBody {
  error?: { code?: string; message?: string; requestId?: string };
}

/** No byte sent for this long: the connection has stalled (Tor circuits do), so try again. */
export const STALL_MS = 60_000;
/** Once the body is sent, how long the portal may take to store it and answer. */
export const ANSWER_MS = 180_000;

/**
 * The portal's own figures (UPLOAD_STALL_SECONDS, UPLOAD_ANSWER_SECONDS) once GET /api/limits has
 * answered; the defaults above (the server's defaults too) until then.
 */
export function stallLimits(): { stallMs: number; answerMs: number } {
  const l = loadedLimits();
  if (!l) void portalLimits(); // for the next request: this one does not wait on it
  return {
    stallMs: l ? l.uploadStallSeconds * 1000 : STALL_MS,
    answerMs: l ? l.uploadAnswerSeconds * 1000 : ANSWER_MS,
  };
}

export const xhrUpload: Uploader = (path, headers, body, onSent) =>
  new Promise((resolve, reject) => {
    const { stallMs, answerMs } = stallLimits();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.responseType = 'json';
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    // A stalled request is given up and met as "no network", which the sender retries from the
    // last chunk the portal acknowledged; without this it would wait for ever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watch = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => xhr.abort(), ms);
    };
    xhr.onloadend = () => clearTimeout(timer);
    xhr.onabort = () => reject(new TypeError('The connection to the portal stalled.'));
    xhr.upload.onprogress = (event) => {
      watch(stallMs);
      onSent(event.loaded);
    };
    xhr.upload.onload = () => watch(answerMs);
    watch(stallMs);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve(xhr.response);
      const e = (xhr.response as ErrorBody | null)?.error;
      reject(
        new ApiError(
          xhr.status,
          e?.code ?? 'http_error',
          e?.message ?? `HTTP ${xhr.status}`,
          e?.requestId,
        ),
      );
    };
    // Same as fetch: an unreachable portal is a TypeError, which the pages word as "no network".
    xhr.onerror = () => reject(new TypeError('The portal could not be reached.'));
    xhr.send(body as Uint8Array<ArrayBuffer> | Blob);
  });
