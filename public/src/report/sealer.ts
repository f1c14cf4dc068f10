// Preparing a report in a Web Worker when the browser allows one, on the page otherwise: the
// same prepareReport either way, so the sealed result is the same.

import {
  type FileSealer,
  type PreparedReport,
  type PrepareInput,
  type Progress,
  pageSealer,
  prepareReport,
} from '../../../src/client/reporter';
import type { SealReply, SealRequest } from './seal-protocol';

/** Set by the build to the worker's content-hashed path. A module worker: it imports the chunk
 * that holds openpgp.js, the one the pages cache, instead of carrying a copy of its own. */
declare const SEAL_WORKER_URL: string;

function ask(worker: Worker, request: SealRequest, progress?: Progress): Promise<SealReply> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<SealReply>) => {
      const reply = event.data;
      if (reply.type === 'progress') return progress?.(reply.step);
      if (reply.type === 'error') return reject(new Error(reply.message));
      resolve(reply);
    };
    worker.onerror = (event) => reject(new Error(event.message || 'worker failed'));
    worker.postMessage(request);
  });
}

function startWorker(): Worker | null {
  try {
    return new Worker(SEAL_WORKER_URL, { type: 'module' });
  } catch {
    return null; // no workers here (or refused): the page does the work itself
  }
}

export async function prepareOffPage(
  input: Omit<PrepareInput, 'files'>,
  files: File[],
  fallback: PrepareInput['files'],
  progress?: Progress,
): Promise<PreparedReport> {
  const onPage = () => prepareReport({ ...input, files: fallback }, progress);
  const worker = startWorker();
  if (!worker) return onPage();
  let reply: SealReply;
  try {
    reply = await ask(worker, { type: 'prepare', input, files }, progress);
  } catch {
    // A worker that could not load or run (a stricter browser setting): do it on the page.
    worker.terminate();
    return onPage();
  }
  if (reply.type !== 'prepared') throw new Error('unexpected answer from the worker');
  return {
    draft: reply.draft,
    sealChunk: async (index, chunk) => {
      const sealed = await ask(worker, { type: 'seal', index, chunk });
      if (sealed.type !== 'sealed') throw new Error('unexpected answer from the worker');
      return sealed.bytes;
    },
    close: () => worker.terminate(),
  };
}

/**
 * Seals the chunks of follow-up files (and of a report resumed after a reload) in the worker, so
 * a large file never freezes the page and is never held whole; on the page when no worker can
 * run (or the file is not a browser File). One worker for the page's life, one chunk at a time.
 */
export function followUpSealer(): FileSealer {
  let worker: Worker | null | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const onPage = pageSealer();
  return (file, chunk, recipients, signingKey) => {
    if (worker === undefined) worker = startWorker();
    const w = worker;
    const blob = file.blob;
    if (!w || !blob) return onPage(file, chunk, recipients, signingKey);
    const run = queue.then(async () => {
      const request: SealRequest = {
        type: 'sealChunk',
        key: signingKey.armor(),
        recipients,
        file: blob,
        name: file.name,
        mimeType: file.type,
        size: file.size,
        chunk,
      };
      const reply = await ask(w, request);
      if (reply.type !== 'sealed') throw new Error('unexpected answer from the worker');
      return reply.bytes;
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
