// The report's heavy work off the page's thread: making the reporter's key and sealing the report
// and each file, so the page never freezes while it runs. Built by scripts/build.mjs as a module worker.
import type { PrivateKey } from 'openpgp';
import {
  type FileSource,
  type PreparedReport,
  type PrepareInput,
  prepareReport,
} from '../../../src/client/reporter';
import { readPrivateKey, sealFile } from '../../../src/crypto';
import type { SealReply, SealRequest } from '../report/seal-protocol';

declare const self: {
  onmessage: ((event: MessageEvent<SealRequest>) => void) | null;
  postMessage(message: SealReply, transfer?: Transferable[]): void;
};

let prepared: PreparedReport | null = null;
/** The follow-up page's key, read once per armored text. */
let signer: { armored: string; key: PrivateKey } | null = null;

async function sealFollowUpFile(request: Extract<SealRequest, { type: 'sealFile' }>) {
  if (signer?.armored !== request.key)
    signer = {
      armored: request.key,
      key: await readPrivateKey(request.key),
    };
  const bytes = await sealFile(
    new Uint8Array(request.bytes),
    { name: request.name, type: request.mimeType },
    { recipients: request.recipients, signingKey: signer.key },
  );
  self.postMessage({ type: 'sealed', bytes: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
}

const source = (file: File): FileSource => ({
  name: file.name,
  type: file.type,
  size: file.size,
  read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
});

async function handle(request: SealRequest): Promise<void> {
  if (request.type === 'prepare') {
    const input: PrepareInput = { ...request.input, files: request.files.map(source) };
    prepared = await prepareReport(input, (step) => self.postMessage({ type: 'progress', step }));
    self.postMessage({ type: 'prepared', draft: prepared.draft });
    return;
  }
  if (request.type === 'sealFile') return sealFollowUpFile(request);
  if (!prepared) throw new Error('nothing prepared');
  // As a Blob: it reaches the page by reference, where 5 MB of bytes took seconds to arrive.
  const bytes = await prepared.sealChunk(request.index, request.label);
  self.postMessage({ type: 'sealed', bytes: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
}

// One request at a time: the page waits for each answer before it asks again.
self.onmessage = (event) => {
  handle(event.data).catch((err: unknown) =>
    self.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
};
