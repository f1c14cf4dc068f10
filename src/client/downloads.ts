// Downloading an attachment as a stream: each chunk is checked and decrypted as it arrives and
// its bytes go to `write` (a file on disk in a browser that allows it), so a large file is never
// held whole. Reporters' and supervisors' pages, the tests and the CLI use it.
import { type FileMeta, type OpenOptions, openFileStream } from '../crypto';
import { callApi, type Fetcher } from './api';

export interface StreamedDownload {
  /** Receives the file's bytes in order. */
  write(bytes: Uint8Array): Promise<void> | void;
  /** Encrypted bytes received so far, and the total when the server said it. */
  onProgress?(received: number, total: number | null): void;
}

/** Fetches `path` and decrypts it to `sink`; resolves with the file's name, type and size. */
export async function downloadTo(
  fetcher: Fetcher,
  path: string,
  init: RequestInit,
  options: Required<OpenOptions>,
  sink: StreamedDownload,
): Promise<FileMeta> {
  const res = await fetcher(path, init);
  // An error answer becomes the usual ApiError.
  if (!res.ok || !res.body) await callApi(() => res, path);
  const length = Number(res.headers.get('content-length'));
  const total = Number.isSafeInteger(length) && length > 0 ? length : null;
  return openFileStream(res.body as ReadableStream<Uint8Array>, options, sink.write, (n) =>
    sink.onProgress?.(n, total),
  );
}

/** The same into memory: for small files and tests. */
export async function downloadWhole(
  fetcher: Fetcher,
  path: string,
  init: RequestInit,
  options: Required<OpenOptions>,
): Promise<{ meta: FileMeta; bytes: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const meta = await downloadTo(fetcher, path, init, options, { write: (b) => void parts.push(b) });
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { meta, bytes };
}
