// The hash chain itself: how an entry's hash is made and how a whole log is checked. Pure code,
// so an outside auditor's verifier and the server agree by construction.

import type { ChainCheck } from '../contract/audit';
import { sha256Hex } from '../crypto/encoding';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEntry {
  id: string;
  seq: number;
  at: number;
  actorId: string | null;
  action: string;
  unitId: string | null;
  reportId: string | null;
  targetId: string | null;
  detail: string;
  prevHash: string;
  hash: string;
}

export type EntryFields = Omit<ChainedEntry, 'hash'>;

/** SHA-256 over a canonical JSON array of every field but the hash itself. */
export function entryHash(e: EntryFields): Promise<string> {
  return sha256Hex(
    JSON.stringify([
      'v1',
      e.id,
      e.seq,
      e.at,
      e.actorId,
      e.action,
      e.unitId,
      e.reportId,
      e.targetId,
      e.detail,
      e.prevHash,
    ]),
  );
}

export type { ChainCheck };

/**
 * Checks entries in `seq` order: numbering starts at 1 with no gaps (a removed or truncated
 * head shows), each links to the hash before it, and each hash matches its fields (an edit shows).
 */
export async function verifyChain(
  entries: Iterable<ChainedEntry> | AsyncIterable<ChainedEntry>,
): Promise<ChainCheck> {
  let prev = GENESIS_HASH;
  let expected = 1;
  for await (const e of entries) {
    if (e.seq !== expected) {
      return {
        ok: false,
        entries: expected - 1,
        brokenAt: expected,
        reason: `entry ${expected} is missing (found ${e.seq} in its place)`,
      };
    }
    if (e.prevHash !== prev) {
      return {
        ok: false,
        entries: expected - 1,
        brokenAt: e.seq,
        reason: `entry ${e.seq} does not link to the entry before it`,
      };
    }
    if ((await entryHash(e)) !== e.hash) {
      return {
        ok: false,
        entries: expected - 1,
        brokenAt: e.seq,
        reason: `entry ${e.seq} was altered after it was written`,
      };
    }
    prev = e.hash;
    expected++;
  }
  return { ok: true, entries: expected - 1, head: prev };
}
