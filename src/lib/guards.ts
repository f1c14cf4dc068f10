// The abuse guards of one running portal, made once per database handle: load meters that raise
// the proof-of-work difficulty, the global receipt look-up limit, the memory request bodies may
// take, and sign-in failure throttling.
import type { Ctx } from '../context';
import { ByteBudget, FailureLimiter, SlidingCounter, TokenBucket } from './rate';

export interface Guards {
  issued: { submit: SlidingCounter; lookup: SlidingCounter };
  lookups: TokenBucket;
  /** Request bodies being read or worked on; see `limitBody`. */
  bodies: ByteBudget;
  signIn: FailureLimiter;
  /**
   * Challenges known to be spent (hash → expiry, seconds): look-ups, spent only in memory, and
   * submissions once committed. See pow/service.ts.
   */
  spent: Map<string, number>;
}

const all = new WeakMap<object, Guards>();

export function guards(ctx: Ctx): Guards {
  let g = all.get(ctx.db);
  if (!g) {
    const a = ctx.config.abuse;
    g = {
      issued: { submit: new SlidingCounter(60), lookup: new SlidingCounter(60) },
      lookups: new TokenBucket(a.lookupsPerSecond, a.lookupsPerSecond * 2),
      bodies: new ByteBudget(a.bodyMemoryBytes),
      signIn: new FailureLimiter(a.signInFailures, 15 * 60_000),
      spent: new Map(),
    };
    all.set(ctx.db, g);
  }
  return g;
}
