// What a seizing adversary looks for in rows, keys and ciphertext, shared by the Node forensic
// test and its workerd twin (no node: imports here).
import { sql } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import type { Ctx } from '../../src/context';

/** Tables whose rows a reporter's actions make. */
export const REPORTER_TABLES = [
  'reports',
  'case_events',
  'messages',
  'attachments',
  'retaliation_flags',
  'pow_spent',
  'report_drafts',
] as const;

export const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
// Unix times in seconds or milliseconds between 2001 and 2128: what an instant looks like.
const isEpoch = (n: number) => (n > 1e9 && n < 5e9) || (n > 1e12 && n < 5e12);

export interface Finding {
  where: string;
  value: unknown;
}

/**
 * Every value in `rows` that could be a time finer than a day: an epoch number that is not a
 * whole day (or, where `hourOk`, a whole hour), or a text with a time of day in it. Armored
 * OpenPGP text is skipped here: it is parsed separately.
 */
export function finerThanDay(table: string, rows: Record<string, unknown>[], hourOk = false) {
  const findings: Finding[] = [];
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      const where = `${table}.${column}`;
      if (typeof value === 'number' || typeof value === 'bigint') {
        const n = Number(value);
        const step = hourOk ? 3600 : 86_400;
        const seconds = n > 1e12 ? n / 1000 : n;
        if (isEpoch(n) && seconds % step !== 0) findings.push({ where, value });
      } else if (typeof value === 'string' && !value.startsWith('-----BEGIN PGP')) {
        if (INSTANT.test(value)) findings.push({ where, value });
      }
    }
  }
  return findings;
}

/** Times in an armored key (public or private) that are not 00:00:00 UTC. */
export async function keyTimesOfDay(armored: string): Promise<Date[]> {
  const key = await openpgp
    .readKey({ armoredKey: armored })
    .catch(() => openpgp.readPrivateKey({ armoredKey: armored }));
  const times: Date[] = [];
  for (const packet of key.toPacketList()) {
    const created = (packet as { created?: unknown }).created;
    if (created instanceof Date && created.getTime() % 86_400_000 !== 0) times.push(created);
  }
  return times;
}

/** Times the server could parse out of a stored message without a key: in its outer packets. */
export async function outerPacketTimes(message: string | Uint8Array): Promise<Date[]> {
  const parsed =
    typeof message === 'string'
      ? await openpgp.readMessage({ armoredMessage: message })
      : await openpgp.readMessage({ binaryMessage: message });
  const times: Date[] = [];
  for (const packet of parsed.packets) {
    for (const value of Object.values(packet)) if (value instanceof Date) times.push(value);
  }
  return times;
}

/** Times inside a decrypted message (signatures and literal data) that are not 00:00 UTC. */
export async function innerTimesOfDay(
  message: string | Uint8Array,
  key: openpgp.PrivateKey,
): Promise<Date[]> {
  const parsed =
    typeof message === 'string'
      ? await openpgp.readMessage({ armoredMessage: message })
      : await openpgp.readMessage({ binaryMessage: message });
  const decrypted = await parsed.decrypt([key]);
  const times: Date[] = [];
  for (const packet of decrypted.packets) {
    for (const name of ['created', 'date'] as const) {
      const value = (packet as unknown as Record<string, unknown>)[name];
      if (value instanceof Date && value.getTime() % 86_400_000 !== 0) times.push(value);
    }
  }
  return times;
}

/**
 * Every time a stored reporter key (public and locked) or a stored message's readable packets
 * carry that is not 00:00 UTC, with how many keys were read.
 */
export async function storedTimes(ctx: Ctx): Promise<{ keys: number; times: Date[] }> {
  const rows = await ctx.db.all<{ pub: string; locked: string }>(
    sql`select reporter_public_key as pub, reporter_locked_key as locked from reports`,
  );
  const times: Date[] = [];
  for (const r of rows)
    times.push(...(await keyTimesOfDay(r.pub)), ...(await keyTimesOfDay(r.locked)));
  const messages = await ctx.db.all<{ c: string }>(sql`select ciphertext as c from messages`);
  for (const m of messages) times.push(...(await outerPacketTimes(m.c)));
  return { keys: rows.length, times };
}
