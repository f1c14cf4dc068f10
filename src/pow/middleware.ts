// The proof of work a request pays with, in headers, checked and spent before anything else: no
// body is read, no budget or limit taken and nothing written for a request that has not paid.
import type { MiddlewareHandler } from 'hono';
import { POW_CHALLENGE_HEADER, POW_NONCE_HEADER } from '../contract/terms';
import type { AppEnv } from '../http/types';
import { AppError } from '../lib/errors';
import { checkSolution, type PowPurpose, spendSolution } from './service';

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
    await spendSolution(ctx, purpose, await checkSolution(ctx, purpose, challenge, nonce));
    await next();
  };
