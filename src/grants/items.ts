// The encrypted items of one case that a grant re-wraps: every message (armored in the database)
// and every file (binary in the blob store; a chunked file by its first chunk), with the packets of earlier grants (packets.ts), as
// bytes with the key IDs they are encrypted to.
import { asc, eq } from 'drizzle-orm';
import { attachments, messages } from '../../db/schema';
import type { Ctx } from '../context';
import { keyIdsOf, messageBytes, withKeyPackets, wrappedKeys } from '../crypto/rewrap';
import { AppError } from '../lib/errors';
import { casePackets, firstPiece } from './packets';

export type ItemKind = 'message' | 'attachment';

export interface CaseItem {
  kind: ItemKind;
  id: string;
  /** As readers get it: the stored bytes with the packets of earlier grants. */
  bytes: Uint8Array;
  dataStart: number;
  keyPackets: Uint8Array;
  data: { version: number; cipher?: number; aead?: number };
  /** Key IDs (lower-case hex) its session-key packets name. */
  keyIds: string[];
}

async function item(kind: ItemKind, id: string, stored: Uint8Array, granted: Uint8Array[] = []) {
  let bytes: Uint8Array;
  try {
    bytes = withKeyPackets(stored, granted);
  } catch {
    throw new AppError('conflict', `The stored ${kind} ${id} is not a readable message.`);
  }
  const parts = wrappedKeys(bytes);
  // Only ciphertext the server itself checked is stored, so this means a damaged record.
  if (!parts) throw new AppError('conflict', `The stored ${kind} ${id} is not a readable message.`);
  const keyIds = await keyIdsOf(parts.keyPackets);
  return { kind, id, bytes, ...parts, keyIds } satisfies CaseItem;
}

/** Every message and file of the case, in order; a file whose bytes are gone is left out. */
export async function caseItems(ctx: Ctx, reportId: string): Promise<CaseItem[]> {
  const [msgs, files, packets] = await Promise.all([
    ctx.db
      .select({ id: messages.id, ciphertext: messages.ciphertext })
      .from(messages)
      .where(eq(messages.reportId, reportId))
      .orderBy(asc(messages.position)),
    ctx.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(eq(attachments.reportId, reportId))
      .orderBy(asc(attachments.id)),
    casePackets(ctx, reportId),
  ]);
  const out: CaseItem[] = [];
  for (const m of msgs)
    out.push(await item('message', m.id, await messageBytes(m.ciphertext), packets.get(m.id)));
  // A file is re-wrapped through its first message: a chunked file's chunks all carry the same
  // session-key packets, so the packet checked against the first opens them all.
  for (const f of files) {
    const bytes = await firstPiece(ctx, f.id);
    if (bytes) out.push(await item('attachment', f.id, bytes, packets.get(f.id)));
  }
  return out;
}

/** Whether any of a key's encryption subkeys is named by the item. */
export const readableBy = (i: CaseItem, keyIds: string[]) =>
  keyIds.some((id) => i.keyIds.includes(id.toLowerCase()));
