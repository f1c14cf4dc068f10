// Sign-in challenges: a single-use text bound to the site's origin, the purpose and a short
// expiry, which the supervisor signs with their OpenPGP key (in the browser or with GnuPG).
import { eq } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { authChallenges } from '../../db/schema';
import type { Ctx } from '../context';
import { randomBytes, sha256Hex, toBase64Url } from '../crypto/encoding';
import { AppError } from '../lib/errors';
import { tidy } from '../lib/housekeeping';

export const SIGN_IN_PURPOSE = 'supervisor-sign-in';
const TITLE = 'Whistleblower portal sign-in';
// Five minutes: enough to save the text, run gpg (perhaps with a smartcard) and paste the result.
const TTL_SECONDS = 300;

export async function issueSignInChallenge(
  ctx: Ctx,
  origin: string,
): Promise<{ challenge: string; expiresAt: string }> {
  await tidy(ctx);
  const nonce = toBase64Url(randomBytes(24));
  const expires = Math.floor(ctx.now().getTime() / 1000) + TTL_SECONDS;
  await ctx.db
    .insert(authChallenges)
    .values({ nonceHash: await sha256Hex(nonce), expiresAt: expires });
  const expiresAt = new Date(expires * 1000).toISOString();
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
  const expires = new Date(fields.get('expires') ?? '');
  if (!origin || !purpose || !nonce || Number.isNaN(expires.getTime())) return null;
  return { origin, purpose, nonce, expires };
}

const refused = (why: string) => new AppError('unauthorized', `Sign-in refused: ${why}.`);

/**
 * Checks binding and expiry, spends the challenge (so it can never be replayed, even after a
 * failed attempt), then verifies the detached signature against the given public key.
 */
export async function verifySignedChallenge(
  ctx: Ctx,
  input: { challenge: string; signature: string; origin: string; publicKey: string },
): Promise<void> {
  const parsed = parseChallenge(input.challenge);
  if (!parsed) throw refused('the challenge is malformed');
  if (parsed.origin !== input.origin) throw refused('the challenge was made for another site');
  if (parsed.purpose !== SIGN_IN_PURPOSE) throw refused('the challenge is for another purpose');
  if (parsed.expires.getTime() < ctx.now().getTime())
    throw refused('the challenge has expired; ask for a new one');
  const spent = await ctx.db
    .delete(authChallenges)
    .where(eq(authChallenges.nonceHash, await sha256Hex(parsed.nonce)))
    .returning();
  if (spent.length === 0) throw refused('the challenge is unknown or was already used');
  let valid = false;
  try {
    const result = await openpgp.verify({
      message: await openpgp.createMessage({ text: input.challenge }),
      signature: await openpgp.readSignature({ armoredSignature: input.signature }),
      verificationKeys: await openpgp.readKey({ armoredKey: input.publicKey }),
      expectSigned: true,
      date: ctx.now(),
    });
    valid = (await result.signatures[0]?.verified) === true;
  } catch {
    valid = false;
  }
  if (!valid) throw refused('the signature does not verify with the enrolled key');
}
