// Grants as stored: extra session-key packets kept apart from the messages and files they open,
// inserted and never rewritten. Every reader of a case's ciphertext for supervisors goes through
// here, so a grantee gets each item with its packet in place, as if it had been a recipient.
import { and, asc, eq } from 'drizzle-orm';
import { grantPackets } from '../../db/schema';
import type { Ctx } from '../context';
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

/** A file's stored bytes with its granted packets, or null if its bytes are gone. */
export async function grantedFile(ctx: Ctx, reportId: string, id: string) {
  const [bytes, rows] = await Promise.all([
    ctx.blobs.get(id),
    ctx.db
      .select({ packet: grantPackets.packet })
      .from(grantPackets)
      .where(and(eq(grantPackets.reportId, reportId), eq(grantPackets.itemId, id)))
      .orderBy(asc(grantPackets.granteeId)),
  ]);
  if (!bytes) return null;
  return withKeyPackets(
    bytes,
    rows.map((r) => fromBase64Url(r.packet)),
  );
}
