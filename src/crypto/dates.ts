// OpenPGP dates for what the portal's browser code makes: the day at 00:00:00 UTC, never the
// moment. A key, signature or literal-data packet dated to the second would time its author's
// action for anyone who can parse it (the server, for keys; the recipients, inside messages).

import type * as openpgp from 'openpgp';

/** 00:00:00 UTC of the day `date` falls on. */
export function startOfDay(date: Date = new Date()): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export const isStartOfDay = (date: Date): boolean => date.getTime() % 86_400_000 === 0;

/**
 * The date for a signature (and literal data) made now with `key`: the day, or the key's own
 * creation time when that is later, since no signature may predate its key. Reporter keys are
 * made at the start of a day, so theirs is always the day; a supervisor key made later today
 * gives its creation time, which the key itself shows anyway.
 */
export function signatureDate(key: Pick<openpgp.Key, 'getCreationTime'>, now = new Date()): Date {
  const day = startOfDay(now);
  const created = key.getCreationTime();
  return new Date(Math.max(created.getTime(), day.getTime()));
}

/** Every time a key carries: each key packet's creation and each signature's, whatever its kind. */
export function keyTimes(key: openpgp.Key): Date[] {
  const times: Date[] = [];
  for (const packet of key.toPacketList()) {
    const created = (packet as { created?: unknown }).created;
    if (created instanceof Date) times.push(created);
  }
  return times;
}

/** True when every time on the key is the start of a day (UTC). */
export const isDatedByDay = (key: openpgp.Key): boolean => keyTimes(key).every(isStartOfDay);
