// The abuse guards of one running portal, made once per database handle: load meters that raise
// the proof-of-work difficulty, the global receipt look-up limit, and sign-in failure throttling.
import type { Ctx } from '../context';
import { FailureLimiter, SlidingCounter, TokenBucket } from './rate';

export interface Guards {
  issued: { submit: SlidingCounter; lookup: SlidingCounter };
  lookups: TokenBucket;
  signIn: FailureLimiter;
  /** Spent look-up challenges (hash → expiry, seconds), kept in memory: see pow/service.ts. */
  spentLookups: Map<string, number>;
}

const all = new WeakMap<object, Guards>();

export function guards(ctx: Ctx): Guards {
  let g = all.get(ctx.db);
  if (!g) {
    const a = ctx.config.abuse;
    g = {
      issued: { submit: new SlidingCounter(60), lookup: new SlidingCounter(60) },
      lookups: new TokenBucket(a.lookupsPerSecond, a.lookupsPerSecond * 2),
      signIn: new FailureLimiter(a.signInFailures, 15 * 60_000),
      spentLookups: new Map(),
    };
    all.set(ctx.db, g);
  }
  return g;
}
