// /api/uploads driven by hand, for the tests of what it refuses: a follow-up message announced
// with files (pending, seen by no supervisor), then each file announced and its chunks sealed and
// sent one request at a time, so a test can change any of them. Runtime-neutral (Node, workerd).
import type { Fetcher } from '../../src/client/api';
import { type FileSource, openCase, type Session } from '../../src/client/reporter';
import type { UnitView } from '../../src/client/types';
import {
  CHUNK_BYTES,
  chunkLayout,
  chunkPlaintext,
  type FileKey,
  sealChunk,
  sealJson,
} from '../../src/crypto';
import { reportTo } from './scenario';

/** Byte i of a patterned test file: made on demand, so a large file is never held whole. */
export const patternByte = (i: number) => (Math.imul(i ^ (i >>> 13), 2654435761) >>> 24) & 0xff;

export function patterned(name: string, size: number, type = 'video/mp4'): FileSource {
  return {
    name,
    type,
    size,
    read: async (start, end) => {
      const out = new Uint8Array(end - start);
      for (let i = 0; i < out.length; i++) out[i] = patternByte(start + i);
      return out;
    },
  };
}

type Token = { 'x-lookup-token': string };

export interface PendingFollowUp {
  session: Session;
  messageId: string;
  headers: Token;
  files: FileSource[];
  /** POST /api/uploads for file `index` (0 unless `over` says), its fields overridden by `over`. */
  announce(over?: Record<string, unknown>, token?: Token): Promise<Response>;
  /** Chunk n of file `index`, sealed; chunk 0 makes the file's key, the others use the last made. */
  seal(n: number, index?: number): Promise<Uint8Array>;
  send(uploadId: string, n: number, body: Uint8Array, token?: Token): Promise<Response>;
}

/** Each file's chunk tag (22 base64url characters), told apart by its place. */
const tagOf = (index: number) => `${'T'.repeat(22)}${index}`.slice(-22);

/**
 * A follow-up message announced with `files` (one file of two chunks and a bit by default) and
 * left pending, sent with `session` or with a new report's receipt.
 */
export async function pendingFollowUp(
  h: { fetcher: Fetcher; units: () => Promise<UnitView[]> },
  files: FileSource[] = [patterned('clip.mp4', 2 * CHUNK_BYTES + 99)],
  given?: Session,
): Promise<PendingFollowUp> {
  const session =
    given ?? (await openCase(h.fetcher, (await reportTo(h, 'basic', 'Files follow.')).receipt));
  const headers = { 'x-lookup-token': session.lookupToken };
  const recipients = session.view.recipients.messages;
  const notes = files.map((f) => ({ name: f.name, size: f.size }));
  const message = await sealJson(
    { v: 1, type: 'message', text: 'Files follow.', files: notes },
    { recipients, signingKey: session.key },
  );
  const posted = await h.fetcher('/api/receipt/messages', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ message, files: files.length }),
  });
  if (posted.status !== 201) throw new Error(`message refused: ${await posted.text()}`);
  const { messageId } = (await posted.json()) as { messageId: string };
  const layoutOf = (index: number) => chunkLayout(files[index] ?? (files[0] as FileSource));
  const announce = async (over: Record<string, unknown> = {}, token = headers) => {
    const index = typeof over.index === 'number' ? over.index : 0;
    const layout = layoutOf(index);
    return h.fetcher('/api/uploads', {
      method: 'POST',
      headers: { ...token, 'content-type': 'application/json' },
      body: JSON.stringify({
        messageId,
        index,
        total: layout.total,
        chunks: layout.count,
        tag: tagOf(index),
        ...over,
      }),
    });
  };
  let fileKey: FileKey | null = null;
  const seal = async (n: number, index = 0) => {
    const file = files[index] as FileSource;
    const layout = layoutOf(index);
    const sealed = await sealChunk(
      await chunkPlaintext(layout, n, file.read),
      { tag: tagOf(index), n, count: layout.count },
      { recipients, signingKey: session.key, key: n === 0 ? null : fileKey },
    );
    if (n === 0) fileKey = sealed.key;
    return sealed.bytes;
  };
  const send = async (uploadId: string, n: number, body: Uint8Array, token = headers) =>
    h.fetcher(`/api/uploads/${uploadId}/chunks/${n}`, {
      method: 'POST',
      headers: { ...token, 'content-type': 'application/octet-stream' },
      body: body as Uint8Array<ArrayBuffer>,
    });
  return { session, messageId, headers, files, announce, seal, send };
}
