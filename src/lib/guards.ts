// The abuse guards of one running portal, made once per database handle: the shared limits (load
// meters of paid work, the look-up cap, single-use marks) and the memory request bodies may take.
import type { Ctx } from '../context';
import { type Limits, MemoryLimits } from './limits';
import { ByteBudget } from './rate';

export interface Guards {
  /** Request bodies being read or worked on, in this process (or isolate); see `limitBody`. */
  bodies: ByteBudget;
  /** This process's own limits, used when the context brings no shared ones. */
  local: MemoryLimits;
}

const all = new WeakMap<object, Guards>();

export function guards(ctx: Ctx): Guards {
  let g = all.get(ctx.db);
  if (!g) {
    const a = ctx.config.abuse;
    g = { bodies: new ByteBudget(a.bodyMemoryBytes), local: new MemoryLimits(a.lookupsPerSecond) };
    all.set(ctx.db, g);
  }
  return g;
}

/** The limits every request of this portal shares: a Durable Object on Workers, else memory. */
export const limits = (ctx: Ctx): Limits => ctx.limits ?? guards(ctx).local;
