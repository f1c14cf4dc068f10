// Grants as stored: extra session-key packets kept apart from the messages and files they open,
// inserted and never rewritten. A file's packet opens every chunk of it (one session key a file). Every reader of a case's ciphertext for supervisors goes through
// here, so a grantee gets each item with its packet in place, as if it had been a recipient.
import { and, asc, eq } from 'drizzle-orm';
import { grantPackets } from '../../db/schema';
import type { Ctx } from '../context';
import { MessageSplitter } from '../crypto/chunks';
import { fromBase64Url } from '../crypto/encoding';
import { armorMessage, messageBytes, withKeyPackets } from '../crypto/rewrap';

export type PacketsByItem = Map<string, Uint8Array[]>;

/** The granted packets of a case's items, by item id, in a stable order. */
export async function casePackets(ctx: Ctx, reportId: string): Promise<PacketsByItem> {
  const rows = await ctx.db
    .select({ itemId: grantPackets.itemId, packet: grantPackets.packet })
    .from(grantPackets)
    .where(eq(grantPackets.reportId, reportId))
    .orderBy(asc(grantPackets.itemId), asc(grantPackets.granteeId));
  const out: PacketsByItem = new Map();
  for (const r of rows) out.set(r.itemId, [...(out.get(r.itemId) ?? []), fromBase64Url(r.packet)]);
  return out;
}

/** An armored message with its granted packets (unchanged text when it has none). */
export async function grantedMessage(armored: string, packets: PacketsByItem, id: string) {
  const extra = packets.get(id);
  if (!extra?.length) return armored;
  return armorMessage(withKeyPackets(await messageBytes(armored), extra));
}

/** The granted packets of one file, in a stable order. */
async function filePackets(ctx: Ctx, reportId: string, id: string): Promise<Uint8Array[]> {
  const rows = await ctx.db
    .select({ packet: grantPackets.packet })
    .from(grantPackets)
    .where(and(eq(grantPackets.reportId, reportId), eq(grantPackets.itemId, id)))
    .orderBy(asc(grantPackets.granteeId));
  return rows.map((r) => fromBase64Url(r.packet));
}

/**
 * A stored file as a stream of its messages (one, or one a chunk), each with the granted packets
 * put beside its own: every chunk of a file has the file's one session key, so one packet per
 * grantee opens them all. One chunk at a time is held.
 */
export function withPacketsEach(
  stream: ReadableStream<Uint8Array>,
  packets: Uint8Array[],
): ReadableStream<Uint8Array> {
  if (packets.length === 0) return stream;
  const splitter = new MessageSplitter();
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(bytes, controller) {
        for (const m of splitter.push(bytes)) controller.enqueue(withKeyPackets(m, packets));
      },
      flush() {
        splitter.finish();
      },
    }),
  );
}

/** A file as supervisors get it, streamed, with its granted packets; null if its bytes are gone. */
export async function grantedFileStream(ctx: Ctx, reportId: string, id: string) {
  const [stream, packets] = await Promise.all([
    ctx.blobs.stream(id),
    filePackets(ctx, reportId, id),
  ]);
  return stream ? withPacketsEach(stream, packets) : null;
}

/** Each message of a file (one, or one a chunk) with its granted packets, in order, to `each`;
 * false if its bytes are gone. */
export async function grantedPieces(
  ctx: Ctx,
  reportId: string,
  id: string,
  each: (bytes: Uint8Array) => Promise<void> | void,
): Promise<boolean> {
  const stream = await grantedFileStream(ctx, reportId, id);
  if (!stream) return false;
  const splitter = new MessageSplitter();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const m of splitter.push(value)) await each(m);
  }
  splitter.finish();
  return true;
}

/**
 * The first message of a stored file (its only one, or its first chunk), read from the store's
 * stream and no further: what a grant re-wraps, for a file of any size. Null if it is gone.
 */
export async function firstPiece(ctx: Ctx, id: string): Promise<Uint8Array | null> {
  const stream = await ctx.blobs.stream(id);
  if (!stream) return null;
  const splitter = new MessageSplitter();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const [first] = splitter.push(value);
      if (first) return first;
    }
    splitter.finish();
    return null;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
