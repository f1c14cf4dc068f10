// Stateless proof-of-work challenges: MAC-signed by a server secret, short-lived, single-use.
// They slow down bulk submission and receipt guessing without identifying anyone.
import { eq } from 'drizzle-orm';
import { powSpent, settings } from '../../db/schema';
import type { Ctx } from '../context';
import {
  constantTimeEqual,
  fromBase64Url,
  hmacSha256,
  randomBytes,
  sha256Hex,
  toBase64Url,
} from '../crypto/encoding';
import { powHashBits } from '../crypto/pow';
import { AppError } from '../lib/errors';
import { guards } from '../lib/guards';
import { tidy } from '../lib/housekeeping';

export type PowPurpose = 'submit' | 'lookup';
const TTL_SECONDS = 600;
const keyCache = new WeakMap<object, Promise<Uint8Array>>();

async function loadMacKey(ctx: Ctx): Promise<Uint8Array> {
  const [row] = await ctx.db
    .select()
    .from(settings)
    .where(eq(settings.key, 'pow_mac_key'))
    .limit(1);
  let raw = row?.value;
  if (!raw) {
    await ctx.db
      .insert(settings)
      // Made at the first challenge, which a reporter may be fetching: dated by the day only.
      .values({
        key: 'pow_mac_key',
        value: toBase64Url(randomBytes(32)),
        createdAt: Math.floor(ctx.now().getTime() / 86_400_000) * 86_400,
      })
      .onConflictDoNothing();
    const [again] = await ctx.db
      .select()
      .from(settings)
      .where(eq(settings.key, 'pow_mac_key'))
      .limit(1);
    raw = again!.value;
  }
  return fromBase64Url(raw);
}

function macKey(ctx: Ctx): Promise<Uint8Array> {
  let key = keyCache.get(ctx.db);
  if (!key) {
    key = loadMacKey(ctx);
    key.catch(() => keyCache.delete(ctx.db));
    keyCache.set(ctx.db, key);
  }
  return key;
}

const MAX_EXTRA_BITS = 8;

/**
 * The configured difficulty, plus one bit for each doubling of demand above the normal load, so
 * a flood pays more per request while an ordinary reporter barely notices.
 */
export function powDifficulty(ctx: Ctx, purpose: PowPurpose): number {
  const base = purpose === 'submit' ? ctx.config.pow.submit : ctx.config.pow.lookup;
  const perMinute = guards(ctx).issued[purpose].total(ctx.now().getTime());
  const normal = ctx.config.abuse.powLoad[purpose];
  const extra = perMinute > normal ? Math.ceil(Math.log2(perMinute / normal)) : 0;
  return Math.min(28, base + Math.min(MAX_EXTRA_BITS, extra));
}

export interface PowChallenge {
  challenge: string;
  difficulty: number;
  purpose: PowPurpose;
  expiresAt: string;
}

export async function issueChallenge(ctx: Ctx, purpose: PowPurpose): Promise<PowChallenge> {
  guards(ctx).issued[purpose].add(ctx.now().getTime());
  await tidy(ctx);
  const difficulty = powDifficulty(ctx, purpose);
  const expires = Math.floor(ctx.now().getTime() / 1000) + TTL_SECONDS;
  const body = `${purpose}.${expires}.${difficulty}.${toBase64Url(randomBytes(12))}`;
  const mac = hmacSha256(await macKey(ctx), body);
  return {
    challenge: `${body}.${toBase64Url(mac)}`,
    difficulty,
    purpose,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

const powError = (message: string) => new AppError('pow_invalid', message);

/**
 * Checks a solved challenge without spending it. Returns the row that spends it, for the caller
 * to insert (with `spendQuery`) in the same batch as the change the work pays for.
 */
export async function checkSolution(
  ctx: Ctx,
  purpose: PowPurpose,
  challenge: string,
  nonce: string,
): Promise<PowSpend> {
  const parts = challenge.split('.');
  if (parts.length !== 5) throw powError('The proof-of-work challenge is malformed.');
  const [p, expiresText, difficultyText, , macText] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  const body = parts.slice(0, 4).join('.');
  let macOk = false;
  try {
    macOk = constantTimeEqual(macText, toBase64Url(hmacSha256(await macKey(ctx), body)));
  } catch {
    macOk = false;
  }
  if (!macOk) throw powError('The proof-of-work challenge was not issued by this server.');
  if (p !== purpose) throw powError('The proof-of-work challenge is for another purpose.');
  const expires = Number(expiresText);
  if (expires * 1000 < ctx.now().getTime())
    throw powError('The proof-of-work challenge has expired; ask for a new one.');
  const difficulty = Number(difficultyText);
  if (powHashBits(challenge, nonce) < difficulty)
    throw powError('The proof of work does not solve the challenge.');
  const challengeHash = await sha256Hex(challenge);
  // Spent look-ups, and submissions this process has seen committed: a replay is refused here,
  // before any costlier check. For submissions the database stays the authority: the spend is
  // inserted with the report under a unique key (see `spendQuery`), so a replay this process has
  // not seen (after a restart, or at another Workers isolate) fails when it is written.
  if (guards(ctx).spent.has(challengeHash))
    throw powError('This proof-of-work challenge has already been used.');
  return { challengeHash, expiresAt: expires };
}

export type PowSpend = { challengeHash: string; expiresAt: number };

/** Spent rows keep their expiry rounded up to the hour: the second would date the challenge. */
export const SPENT_EXPIRY_STEP = 3600;

/**
 * The insert that spends a challenge; run it in the same batch as the paid-for change, and call
 * `rememberSpent` once that batch has committed. The table is WITHOUT ROWID, keyed by the hash,
 * so its rows say nothing of the order in which reports came.
 */
export const spendQuery = (ctx: Ctx, spend: PowSpend) =>
  ctx.db.insert(powSpent).values({
    challengeHash: spend.challengeHash,
    expiresAt: Math.ceil(spend.expiresAt / SPENT_EXPIRY_STEP) * SPENT_EXPIRY_STEP,
  });

export const MAX_SPENT_IN_MEMORY = 200_000;

/**
 * Notes a spent challenge in memory, so that replays stop before any costlier check. When the map
 * is full, room is made from its oldest end: expired entries go, then, if it is still full, the
 * oldest live one (its work was paid, and it expires soon). The sweep stops at the first live
 * entry once there is room, so a full map costs a few steps a spend, not a pass over all of it.
 */
export function rememberSpent(ctx: Ctx, spend: PowSpend): void {
  const spent = guards(ctx).spent;
  if (spent.size >= MAX_SPENT_IN_MEMORY) {
    const now = Math.floor(ctx.now().getTime() / 1000);
    for (const [hash, expires] of spent) {
      if (expires >= now && spent.size < MAX_SPENT_IN_MEMORY) break;
      spent.delete(hash);
    }
  }
  spent.set(spend.challengeHash, spend.expiresAt);
}

/**
 * Spends a look-up challenge in memory rather than with a durable write, so that reading a case
 * stays a read. A look-up changes nothing, so the worst a replay across a restart (or across
 * Workers isolates) buys is one more look-up for work already done once.
 */
export function spendInMemory(ctx: Ctx, spend: PowSpend): void {
  if (guards(ctx).spent.has(spend.challengeHash))
    throw powError('This proof-of-work challenge has already been used.');
  rememberSpent(ctx, spend);
}
