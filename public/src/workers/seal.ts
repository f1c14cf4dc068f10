// The report's heavy work off the page's thread: making the reporter's key and sealing the report
// and every file, the report's and the follow-ups', one chunk at a time (read from the File here,
// sealed, handed back as a Blob), so the page never freezes and never holds a file whole.
// Built by scripts/build.mjs as a module worker.
import type { PrivateKey } from 'openpgp';
import {
  type FileSource,
  type PreparedReport,
  type PrepareInput,
  prepareReport,
  sealChunkOf,
} from '../../../src/client/reporter';
import { FileKeys, readPrivateKey } from '../../../src/crypto';
import type { SealReply, SealRequest } from '../report/seal-protocol';

declare const self: {
  onmessage: ((event: MessageEvent<SealRequest>) => void) | null;
  postMessage(message: SealReply, transfer?: Transferable[]): void;
};

let prepared: PreparedReport | null = null;
/** The follow-up page's key, read once per armored text. */
let signer: { armored: string; key: PrivateKey } | null = null;
/** The session keys of the files being sealed here, by chunk tag. */
const fileKeys = new FileKeys();

const source = (file: Blob, name: string, type: string, size: number): FileSource => ({
  name,
  type,
  size,
  read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
});

async function sealOther(request: Extract<SealRequest, { type: 'sealChunk' }>) {
  if (signer?.armored !== request.key)
    signer = { armored: request.key, key: await readPrivateKey(request.key) };
  const file = source(request.file, request.name, request.mimeType, request.size);
  return sealChunkOf(fileKeys, file, request.chunk, request.recipients, signer.key);
}

async function handle(request: SealRequest): Promise<void> {
  if (request.type === 'prepare') {
    const input: PrepareInput = {
      ...request.input,
      files: request.files.map((f) => source(f, f.name, f.type, f.size)),
    };
    prepared = await prepareReport(input, (step) => self.postMessage({ type: 'progress', step }));
    self.postMessage({ type: 'prepared', draft: prepared.draft });
    return;
  }
  let bytes: Uint8Array | Blob;
  if (request.type === 'sealChunk') bytes = await sealOther(request);
  else if (prepared) bytes = await prepared.sealChunk(request.index, request.chunk);
  else throw new Error('nothing prepared');
  // As a Blob: it reaches the page by reference, where 5 MB of bytes took seconds to arrive.
  self.postMessage({ type: 'sealed', bytes: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
}

// One request at a time: the page waits for each answer before it asks again.
self.onmessage = (event) => {
  handle(event.data).catch((err: unknown) =>
    self.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
};
