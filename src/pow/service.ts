// Stateless proof-of-work challenges: MAC-signed by a server secret, short-lived, single-use.
// They slow down bulk submission, receipt guessing and sign-in attempts without identifying
// anyone. Issuing one costs the server no write and counts toward nothing: only paid work does.
import { eq, type Placeholder, sql } from 'drizzle-orm';
import { powSpent, settings } from '../../db/schema';
import type { Ctx } from '../context';
import type { PowChallenge } from '../contract/pow';
import { POW_PURPOSES, type PowPurpose } from '../contract/terms';
import {
  constantTimeEqual,
  fromBase64Url,
  hmacSha256,
  pooledRandomBytes,
  randomBytes,
  sha256Hex,
  toBase64Url,
} from '../crypto/encoding';
import { powHashBits } from '../crypto/pow';
import { AppError } from '../lib/errors';
import { limits } from '../lib/guards';
import { tidy } from '../lib/housekeeping';
import type { Meter } from '../lib/limits';
import { directStatement, isUniqueViolation, remember } from '../storage/db';

export { POW_PURPOSES, type PowPurpose };

/** A sign-in challenge is priced and metered like a look-up. */
const meterOf = (purpose: PowPurpose): Meter => (purpose === 'submit' ? 'submit' : 'lookup');
const TTL_SECONDS = 600;

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

/**
 * Loads the server's MAC key, making it on first start: each entry calls this at start, so no
 * anonymous request is ever the one that writes it.
 */
export const prepareServerSecret = async (ctx: Ctx): Promise<void> => {
  await macKey(ctx);
};

/** Loaded once per storage; a failed load is forgotten, so the next request tries again. */
function macKey(ctx: Ctx): Promise<Uint8Array> {
  return remember(ctx.storage, 'pow-mac-key', () => {
    const key = loadMacKey(ctx);
    key.catch(() => ctx.storage.memo.delete('pow-mac-key'));
    return key;
  });
}

/** A MAC under the server's secret, for stateless tokens it must later recognise as its own. */
export async function serverMac(ctx: Ctx, text: string): Promise<string> {
  return toBase64Url(hmacSha256(await macKey(ctx), text));
}

const MAX_EXTRA_BITS = 8;

/**
 * The configured difficulty, plus one bit for each doubling of paid work above the normal load,
 * so a flood pays more per request while an ordinary reporter barely notices. Only solved and
 * spent challenges count: asking for challenges is free and so must move nothing.
 */
export async function powDifficulty(ctx: Ctx, purpose: PowPurpose): Promise<number> {
  const meter = meterOf(purpose);
  const base = ctx.config.pow[meter];
  const perMinute = await limits(ctx).load(meter, ctx.now().getTime());
  const normal = ctx.config.abuse.powLoad[meter];
  const extra = perMinute > normal ? Math.ceil(Math.log2(perMinute / normal)) : 0;
  return Math.min(28, base + Math.min(MAX_EXTRA_BITS, extra));
}

export type { PowChallenge };

export async function issueChallenge(ctx: Ctx, purpose: PowPurpose): Promise<PowChallenge> {
  const difficulty = await powDifficulty(ctx, purpose);
  const expires = Math.floor(ctx.now().getTime() / 1000) + TTL_SECONDS;
  const body = `${purpose}.${expires}.${difficulty}.${toBase64Url(pooledRandomBytes(12))}`;
  const mac = hmacSha256(await macKey(ctx), body);
  return {
    challenge: `${body}.${toBase64Url(mac)}`,
    difficulty,
    purpose,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

const powError = (message: string) => new AppError('pow_invalid', message);

/** Checks a solved challenge without spending it: MAC, purpose, expiry and the work itself. */
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
  return { challengeHash: await sha256Hex(challenge), expiresAt: expires };
}

export type PowSpend = { challengeHash: string; expiresAt: number };

/** Spent rows keep their expiry rounded up to the hour: the second would date the challenge. */
export const SPENT_EXPIRY_STEP = 3600;

/**
 * The insert that spends a challenge durably. The table is WITHOUT ROWID, keyed by the hash, so
 * its rows say nothing of the order in which reports came.
 */
export const spendQuery = (ctx: Ctx, spend: PowSpend) =>
  ctx.db.insert(powSpent).values({
    challengeHash: spend.challengeHash,
    expiresAt: Math.ceil(spend.expiresAt / SPENT_EXPIRY_STEP) * SPENT_EXPIRY_STEP,
  });

const replayed = () => powError('This proof-of-work challenge has already been used.');

/**
 * A submission's spend, claimed and waiting to be written: in the same transaction as the report
 * it pays for when the request stores one (`written` is then set), or on its own once the request
 * is done, whatever its outcome.
 */
export interface HeldSpend extends PowSpend {
  written: boolean;
}

/** Writes a held spend that no transaction of the request took (a repeat, a refusal, an error). */
export async function writeHeldSpend(ctx: Ctx, held: HeldSpend): Promise<void> {
  if (held.written) return;
  try {
    await spendQuery(ctx, held);
  } catch (err) {
    // Already written: a replay of the same challenge raced this request, and lost its claim.
    if (!isUniqueViolation(err, 'pow_spent')) throw err;
  }
  held.written = true;
  await tidy(ctx);
}

/** A unique violation of the spent challenges: the challenge paid for another request already. */
export const isReplay = (err: unknown) => isUniqueViolation(err, 'pow_spent');
export { replayed };

/**
 * Spends a checked solution before any work it pays for is done, and counts it as paid load.
 * Every challenge is first claimed in the shared limits, so a replay is refused at once. A
 * submission's is also written to the database, the one authority every process and isolate
 * shares (and looked up there first), so it can never pay twice, even for a request that then
 * fails or after a restart:
 * within the report's own transaction when there is one (one sync a report, not two), else on
 * its own before the answer leaves (`writeHeldSpend`). A look-up's or sign-in challenge's stays
 * in the shared limits, so that reading stays a read: the worst a replay after a restart buys is
 * one more look-up for work already done once.
 */
export async function spendSolution(
  ctx: Ctx,
  purpose: PowPurpose,
  spend: PowSpend,
): Promise<HeldSpend | null> {
  const nowMs = ctx.now().getTime();
  if (!(await limits(ctx).claim(spend.challengeHash, spend.expiresAt, nowMs))) throw replayed();
  await limits(ctx).paid(meterOf(purpose), nowMs);
  if (purpose !== 'submit') return null;
  // Spent before a restart, or in another process: the database remembers what memory forgot.
  if (await isSpent(ctx, spend.challengeHash)) throw replayed();
  return { ...spend, written: false };
}

const spentQuery = (hash: string | Placeholder<string>) =>
  sql`SELECT ${powSpent.challengeHash} FROM ${powSpent} WHERE ${powSpent.challengeHash} = ${hash} LIMIT 1`;

/**
 * Whether a challenge is spent in the database. On every submission, so on Node it runs as
 * prebuilt text on the reading connection, which sees every commit (`directStatement`).
 */
async function isSpent(ctx: Ctx, challengeHash: string): Promise<boolean> {
  const direct = directStatement(ctx.storage, 'pow-spent', () =>
    spentQuery(sql.placeholder('hash')),
  );
  if (direct) return direct({ hash: challengeHash }) !== null;
  return (await ctx.db.all(spentQuery(challengeHash))).length > 0;
}
