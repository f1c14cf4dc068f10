// Stateless proof-of-work challenges: MAC-signed by a server secret, short-lived, single-use.
// They slow down bulk submission and receipt guessing without identifying anyone.
import { eq, lt } from 'drizzle-orm';
import { powSpent, settings } from '../../db/schema';
import type { Ctx } from '../context';
import { fromBase64Url, randomBytes, sha256Hex, toBase64Url, utf8 } from '../crypto/encoding';
import { powHashBits } from '../crypto/pow';
import { AppError } from '../lib/errors';
import { guards } from '../lib/guards';

export type PowPurpose = 'submit' | 'lookup';
const TTL_SECONDS = 600;
const keyCache = new WeakMap<object, Promise<CryptoKey>>();

async function loadMacKey(ctx: Ctx): Promise<CryptoKey> {
  const [row] = await ctx.db
    .select()
    .from(settings)
    .where(eq(settings.key, 'pow_mac_key'))
    .limit(1);
  let raw = row?.value;
  if (!raw) {
    await ctx.db
      .insert(settings)
      .values({ key: 'pow_mac_key', value: toBase64Url(randomBytes(32)) })
      .onConflictDoNothing();
    const [again] = await ctx.db
      .select()
      .from(settings)
      .where(eq(settings.key, 'pow_mac_key'))
      .limit(1);
    raw = again!.value;
  }
  return globalThis.crypto.subtle.importKey(
    'raw',
    fromBase64Url(raw) as BufferSource,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
}

function macKey(ctx: Ctx): Promise<CryptoKey> {
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
  const difficulty = powDifficulty(ctx, purpose);
  const expires = Math.floor(ctx.now().getTime() / 1000) + TTL_SECONDS;
  const body = `${purpose}.${expires}.${difficulty}.${toBase64Url(randomBytes(12))}`;
  const mac = await globalThis.crypto.subtle.sign(
    'HMAC',
    await macKey(ctx),
    utf8(body) as BufferSource,
  );
  return {
    challenge: `${body}.${toBase64Url(new Uint8Array(mac))}`,
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
    macOk = await globalThis.crypto.subtle.verify(
      'HMAC',
      await macKey(ctx),
      fromBase64Url(macText) as BufferSource,
      utf8(body) as BufferSource,
    );
  } catch {
    macOk = false;
  }
  if (!macOk) throw powError('The proof-of-work challenge was not issued by this server.');
  if (p !== purpose) throw powError('The proof-of-work challenge is for another purpose.');
  const expires = Number(expiresText);
  if (expires * 1000 < ctx.now().getTime())
    throw powError('The proof-of-work challenge has expired; ask for a new one.');
  const difficulty = Number(difficultyText);
  if ((await powHashBits(challenge, nonce)) < difficulty)
    throw powError('The proof of work does not solve the challenge.');
  const challengeHash = await sha256Hex(challenge);
  const [spent] = await ctx.db
    .select()
    .from(powSpent)
    .where(eq(powSpent.challengeHash, challengeHash))
    .limit(1);
  if (spent) throw powError('This proof-of-work challenge has already been used.');
  return { challengeHash, expiresAt: expires };
}

export type PowSpend = { challengeHash: string; expiresAt: number };

/** The insert that spends a challenge; run it in the same batch as the paid-for change. */
export const spendQuery = (ctx: Ctx, spend: PowSpend) => ctx.db.insert(powSpent).values(spend);

/** Forgets spent challenges that have expired anyway; cheap, called now and then. */
export async function purgeSpent(ctx: Ctx): Promise<void> {
  await ctx.db
    .delete(powSpent)
    .where(lt(powSpent.expiresAt, Math.floor(ctx.now().getTime() / 1000)));
}
