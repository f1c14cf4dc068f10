// The in-memory record of spent challenges stays bounded, and a full one makes room cheaply from
// its oldest end instead of sweeping every entry on every spend.
import { describe, expect, it } from 'vitest';
import { MAX_CLAIMS_IN_MEMORY, MemoryLimits } from '../../src/lib/limits';

const NOW = 1_800_000_000;
const MAX_SPENT_IN_MEMORY = MAX_CLAIMS_IN_MEMORY;

/** Fills the map to its limit; `expired` of the oldest entries have expired. */
function fill(limits: MemoryLimits, expired: number) {
  const spent = limits.claims;
  for (let i = 0; i < MAX_SPENT_IN_MEMORY; i++) {
    spent.set(`h${i}`, i < expired ? NOW - 1 : NOW + 600);
  }
  return spent;
}

describe('spent challenges in memory', () => {
  it('when full of live entries, drops only the oldest for a new one', async () => {
    const limits = new MemoryLimits(1);
    const spent = fill(limits, 0);
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
    for (let i = 0; i < 100; i++) await limits.claim(`new${i}`, NOW + 600, NOW * 1000);
    expect(spent.size).toBe(MAX_SPENT_IN_MEMORY);
    expect(spent.has('h0')).toBe(false);
    expect(spent.has('h99')).toBe(false);
    expect(spent.has('h100')).toBe(true);
    expect(spent.has('new99')).toBe(true);
    // Two steps a spend (drop the oldest, stop at the next), not a pass over 200,000 entries.
    expect(reads).toBeLessThanOrEqual(200);
  });

  it('when full, drops the expired entries at the old end first', async () => {
    const limits = new MemoryLimits(1);
    const spent = fill(limits, 1000);
    await limits.claim('fresh', NOW + 600, NOW * 1000);
    expect(spent.size).toBe(MAX_SPENT_IN_MEMORY - 1000 + 1);
    expect(spent.has('h999')).toBe(false);
    expect(spent.has('h1000')).toBe(true);
  });

  it('refuses a look-up challenge spent twice', async () => {
    const limits = new MemoryLimits(1);
    expect(await limits.claim('once', NOW + 600, NOW * 1000)).toBe(true);
    expect(await limits.claim('once', NOW + 600, NOW * 1000)).toBe(false);
  });
});
