// The abuse guards of one running portal, made once per storage: the shared limits (load
// meters of paid work, the look-up cap, single-use marks) and the memory request bodies may take.
import type { Ctx } from '../context';
import { remember } from '../storage/db';
import { type Limits, MemoryLimits } from './limits';
import { ByteBudget } from './rate';

export interface Guards {
  /** Request bodies being read or worked on, in this process (or isolate); see `limitBody`. */
  bodies: ByteBudget;
  /** This process's own limits, used when the context brings no shared ones. */
  local: MemoryLimits;
}

/** Made once per running portal, kept with its storage. */
export function guards(ctx: Ctx): Guards {
  return remember(ctx.storage, 'guards', () => {
    const a = ctx.config.abuse;
    return {
      bodies: new ByteBudget(a.bodyMemoryBytes),
      local: new MemoryLimits(a.lookupsPerSecond),
    };
  });
}

/** The limits every request of this portal shares: a Durable Object on Workers, else memory. */
export const limits = (ctx: Ctx): Limits => ctx.limits ?? guards(ctx).local;
