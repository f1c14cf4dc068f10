// Uploads with progress: fetch cannot report how much of a body has gone, XMLHttpRequest can.
import { ApiError } from '../../../src/client/api';
import type { Uploader } from '../../../src/client/reporter';

interface ErrorBody {
  error?: { code?: string; message?: string; requestId?: string };
}

export const xhrUpload: Uploader = (path, headers, body, onSent) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.responseType = 'json';
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onSent(event.loaded);
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
