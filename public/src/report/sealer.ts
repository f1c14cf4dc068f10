// Preparing a report in a Web Worker when the browser allows one, on the page otherwise: the
// same prepareReport either way, so the sealed result is the same.

import {
  type FileSealer,
  type PreparedReport,
  type PrepareInput,
  type Progress,
  prepareReport,
} from '../../../src/client/reporter';
import { sealFile } from '../../../src/crypto';
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
    sealChunk: async (index, label) => {
      const sealed = await ask(worker, { type: 'seal', index, label });
      if (sealed.type !== 'sealed') throw new Error('unexpected answer from the worker');
      return sealed.bytes;
    },
    close: () => worker.terminate(),
  };
}

/**
 * Seals follow-up files in the worker, so a large file never freezes the follow-up page; on the
 * page when no worker can run. One worker for the page's life, one file at a time.
 */
export function followUpSealer(): FileSealer {
  let worker: Worker | null | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return (file, recipients, signingKey) => {
    if (worker === undefined) worker = startWorker();
    const w = worker;
    const onPage = () =>
      sealFile(file.bytes, { name: file.name, type: file.type }, { recipients, signingKey });
    if (!w) return onPage();
    const bytes = file.bytes.slice().buffer as ArrayBuffer;
    const run = queue.then(async () => {
      const request: SealRequest = {
        type: 'sealFile',
        key: signingKey.armor(),
        recipients,
        name: file.name,
        mimeType: file.type,
        bytes,
      };
      const reply = await ask(w, request);
      if (reply.type !== 'sealed') throw new Error('unexpected answer from the worker');
      return reply.bytes;
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
