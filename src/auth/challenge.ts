// Sign-in challenges: a single-use text bound to the site's origin, the purpose and a short
// expiry, which the supervisor signs with their OpenPGP key (in the browser or with GnuPG).
// Stateless: the nonce carries a MAC under the server's secret, so issuing one writes nothing;
// each challenge is paid for with a proof of work and allows one attempt.
import { authChallenges } from '../../db/schema';
import type { Ctx } from '../context';
import { constantTimeEqual, randomBytes, sha256Hex, toBase64Url } from '../crypto/encoding';
import { verifyDetachedText } from '../crypto/keys';
import { AppError } from '../lib/errors';
import { limits } from '../lib/guards';
import { serverMac } from '../pow/service';

export const SIGN_IN_PURPOSE = 'supervisor-sign-in';
const TITLE = 'Whistleblower portal sign-in';
// Five minutes: enough to save the text, run gpg (perhaps with a smartcard) and paste the result.
const TTL_SECONDS = 300;

export async function issueSignInChallenge(
  ctx: Ctx,
  origin: string,
): Promise<{ challenge: string; expiresAt: string }> {
  const expires = Math.floor(ctx.now().getTime() / 1000) + TTL_SECONDS;
  const expiresAt = new Date(expires * 1000).toISOString();
  const random = toBase64Url(randomBytes(18));
  const nonce = `${random}.${await nonceMac(ctx, origin, expiresAt, random)}`;
  return {
    challenge: [
      TITLE,
      `origin: ${origin}`,
      `purpose: ${SIGN_IN_PURPOSE}`,
      `nonce: ${nonce}`,
      `expires: ${expiresAt}`,
    ].join('\n'),
    expiresAt,
  };
}

export interface ParsedChallenge {
  origin: string;
  purpose: string;
  nonce: string;
  expires: Date;
  /** The expiry as written, which the nonce's MAC covers. */
  expiresText: string;
}

export function parseChallenge(text: string): ParsedChallenge | null {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  if (lines.length !== 5 || lines[0] !== TITLE) return null;
  const fields = new Map(
    lines.slice(1).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
  );
  const origin = fields.get('origin');
  const purpose = fields.get('purpose');
  const nonce = fields.get('nonce');
  const expiresText = fields.get('expires') ?? '';
  const expires = new Date(expiresText);
  if (!origin || !purpose || !nonce || Number.isNaN(expires.getTime())) return null;
  return { origin, purpose, nonce, expires, expiresText };
}

const nonceMac = (ctx: Ctx, origin: string, expiresAt: string, random: string) =>
  serverMac(ctx, [SIGN_IN_PURPOSE, origin, expiresAt, random].join('\n'));

/** True when the challenge was issued by this server, for exactly this origin and expiry. */
async function issuedHere(ctx: Ctx, parsed: ParsedChallenge): Promise<boolean> {
  const [random, mac, extra] = parsed.nonce.split('.');
  if (!random || !mac || extra !== undefined) return false;
  return constantTimeEqual(mac, await nonceMac(ctx, parsed.origin, parsed.expiresText, random));
}

const refused = (why: string) => new AppError('unauthorized', `Sign-in refused: ${why}.`);

/**
 * Checks that the challenge is this server's, for this origin and purpose and not expired, then
 * claims it in the shared limits (one attempt a challenge, so a failure spends it and a stranger,
 * who never sees another's challenge, can lock no one out), and returns the insert that spends it
 * durably, for the caller to write with the session once the signature has verified.
 */
export async function claimChallenge(ctx: Ctx, input: { challenge: string; origin: string }) {
  const parsed = parseChallenge(input.challenge);
  if (!parsed) throw refused('the challenge is malformed');
  if (parsed.origin !== input.origin) throw refused('the challenge was made for another site');
  if (parsed.purpose !== SIGN_IN_PURPOSE) throw refused('the challenge is for another purpose');
  if (parsed.expires.getTime() < ctx.now().getTime())
    throw refused('the challenge has expired; ask for a new one');
  if (!(await issuedHere(ctx, parsed))) throw refused('the challenge was not issued by this site');
  const nonceHash = await sha256Hex(parsed.nonce);
  const expiresAt = Math.floor(parsed.expires.getTime() / 1000);
  if (!(await limits(ctx).claim(`sign-in:${nonceHash}`, expiresAt, ctx.now().getTime())))
    throw refused('the challenge was already used; ask for a new one');
  // Wrapped: an awaited query builder would run.
  return { spend: ctx.db.insert(authChallenges).values({ nonceHash, expiresAt }) };
}

/** Verifies the detached signature of the challenge against the given public key. */
export async function verifySignature(
  ctx: Ctx,
  input: { challenge: string; signature: string; publicKey: string },
): Promise<void> {
  const valid = await verifyDetachedText({
    text: input.challenge,
    signature: input.signature,
    publicKey: input.publicKey,
    date: ctx.now(),
  });
  if (!valid) throw refused('the signature does not verify with the enrolled key');
}
