// Preparing a report in a Web Worker when the browser allows one, on the page otherwise: the
// same prepareReport either way, so the sealed result is the same.
import {
  type PreparedReport,
  type PrepareInput,
  type Progress,
  prepareReport,
} from '../../../src/client/reporter';
import type { SealReply, SealRequest } from './seal-protocol';

/** Set by the build to the worker's content-hashed path. */
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
    return new Worker(SEAL_WORKER_URL);
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
