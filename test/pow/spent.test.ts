// The in-memory record of spent challenges stays bounded, and a full one makes room cheaply from
// its oldest end instead of sweeping every entry on every spend.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import type { Ctx } from '../../src/context';
import { guards } from '../../src/lib/guards';
import { MAX_SPENT_IN_MEMORY, rememberSpent, spendInMemory } from '../../src/pow/service';

const NOW = 1_800_000_000;

function freshCtx(): Ctx {
  // The guards are kept per database handle; a fresh object gives a fresh, empty set of them.
  return {
    db: {} as Ctx['db'],
    config: loadConfig({}),
    blobs: undefined as unknown as Ctx['blobs'],
    now: () => new Date(NOW * 1000),
  };
}

/** Fills the map to its limit; `expired` of the oldest entries have expired. */
function fill(ctx: Ctx, expired: number) {
  const spent = guards(ctx).spent;
  for (let i = 0; i < MAX_SPENT_IN_MEMORY; i++) {
    spent.set(`h${i}`, i < expired ? NOW - 1 : NOW + 600);
  }
  return spent;
}

describe('spent challenges in memory', () => {
  it('when full of live entries, drops only the oldest for a new one', () => {
    const ctx = freshCtx();
    const spent = fill(ctx, 0);
    // Count the steps of the sweep: each costs one read of an entry's expiry.
    let reads = 0;
    const entries = spent.entries.bind(spent);
    spent[Symbol.iterator] = function* (): MapIterator<[string, number]> {
      for (const e of entries()) {
        reads += 1;
        yield e;
      }
      return undefined;
    };
    for (let i = 0; i < 100; i++)
      rememberSpent(ctx, { challengeHash: `new${i}`, expiresAt: NOW + 600 });
    expect(spent.size).toBe(MAX_SPENT_IN_MEMORY);
    expect(spent.has('h0')).toBe(false);
    expect(spent.has('h99')).toBe(false);
    expect(spent.has('h100')).toBe(true);
    expect(spent.has('new99')).toBe(true);
    // Two steps a spend (drop the oldest, stop at the next), not a pass over 200,000 entries.
    expect(reads).toBeLessThanOrEqual(200);
  });

  it('when full, drops the expired entries at the old end first', () => {
    const ctx = freshCtx();
    const spent = fill(ctx, 1000);
    rememberSpent(ctx, { challengeHash: 'fresh', expiresAt: NOW + 600 });
    expect(spent.size).toBe(MAX_SPENT_IN_MEMORY - 1000 + 1);
    expect(spent.has('h999')).toBe(false);
    expect(spent.has('h1000')).toBe(true);
  });

  it('refuses a look-up challenge spent twice', () => {
    const ctx = freshCtx();
    spendInMemory(ctx, { challengeHash: 'once', expiresAt: NOW + 600 });
    expect(() => spendInMemory(ctx, { challengeHash: 'once', expiresAt: NOW + 600 })).toThrow(
      /already been used/,
    );
  });
});
