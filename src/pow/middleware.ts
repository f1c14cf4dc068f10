// The proof of work a request pays with, in headers, checked and spent before anything else: no
// body is read, no budget or limit taken and nothing written for a request that has not paid.
import type { Context, MiddlewareHandler } from 'hono';
import { POW_CHALLENGE_HEADER, POW_NONCE_HEADER } from '../contract/terms';
import type { AppEnv } from '../http/types';
import { AppError } from '../lib/errors';
import {
  checkSolution,
  type HeldSpend,
  type PowPurpose,
  spendSolution,
  writeHeldSpend,
} from './service';

/** The two headers as OpenAPI parameters, for every route that takes them. */
export const powHeaderParams = [POW_CHALLENGE_HEADER, POW_NONCE_HEADER].map((name) => ({
  name,
  in: 'header' as const,
  required: true,
  schema: { type: 'string' as const },
}));

export const requirePow =
  (purpose: PowPurpose): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const challenge = c.req.header(POW_CHALLENGE_HEADER);
    const nonce = c.req.header(POW_NONCE_HEADER);
    if (!challenge || !nonce || challenge.length > 512 || nonce.length > 64) {
      throw new AppError(
        'pow_invalid',
        `Solve a proof-of-work challenge (purpose "${purpose}") and send it in the ${POW_CHALLENGE_HEADER} and ${POW_NONCE_HEADER} headers.`,
      );
    }
    const ctx = c.get('ctx');
    const held = await spendSolution(
      ctx,
      purpose,
      await checkSolution(ctx, purpose, challenge, nonce),
    );
    if (!held) return next();
    // A submission's spend goes into the transaction that stores what it paid for (the handler
    // takes it with `heldSpend`); if none did, it is written before the answer leaves.
    c.set('powSpend', held);
    try {
      await next();
    } finally {
      // A spend that cannot be written now (the database busy) must not turn what the request
      // stored into an error: the claim in the shared limits still refuses a replay.
      await writeHeldSpend(ctx, held).catch(() => undefined);
    }
  };

/** The request's spend, for a handler to write in its own transaction (and mark written). */
export const heldSpend = (c: Context<AppEnv>): HeldSpend | undefined => c.get('powSpend');
