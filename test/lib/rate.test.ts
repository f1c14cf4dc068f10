// Property tests of the abuse counters, against a plain model of what each promises:
// - SlidingCounter: the sum of events in the last `window` whole seconds, nothing older;
// - TokenBucket: never more than `burst` at once, and never more than burst + rate × elapsed;
// - ByteBudget: never above the limit unless a taker is alone, and give() returns what was taken.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteBudget, SlidingCounter, TokenBucket } from '../../src/lib/rate';

describe('SlidingCounter', () => {
  it('counts exactly the events of the last window seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 5 })), {
          maxLength: 60,
        }),
        (window, steps) => {
          const counter = new SlidingCounter(window);
          const events: { second: number; n: number }[] = [];
          let now = 1_700_000_000_000;
          for (const [advance, n] of steps) {
            now += advance;
            counter.add(now, n);
            events.push({ second: Math.floor(now / 1000), n });
            const second = Math.floor(now / 1000);
            const expected = events
              .filter((e) => e.second > second - window)
              .reduce((s, e) => s + e.n, 0);
            expect(counter.total(now)).toBe(expected);
          }
        },
      ),
    );
  });

  it('forgets everything once a whole window has passed', () => {
    const counter = new SlidingCounter(10);
    counter.add(1_000_000, 7);
    expect(counter.total(1_000_000 + 9_999)).toBe(7);
    expect(counter.total(1_000_000 + 10_000)).toBe(0);
  });
});

describe('TokenBucket', () => {
  it('never grants more than burst + rate × elapsed, nor more than burst at one instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 200 }),
        (rate, burst, gaps) => {
          const bucket = new TokenBucket(rate, burst);
          const start = 1_700_000_000_000;
          let now = start;
          let granted = 0;
          for (const gap of gaps) {
            now += gap;
            const r = bucket.take(now);
            if (r.ok) granted++;
            else expect(r.retryAfter).toBeGreaterThanOrEqual(1);
            expect(granted).toBeLessThanOrEqual(burst + ((now - start) / 1000) * rate + 1e-9);
          }
          const atOnce = new TokenBucket(rate, burst);
          let n = 0;
          while (atOnce.take(start).ok) n++;
          expect(n).toBe(burst);
        },
      ),
    );
  });

  it('a clock set back refills nothing', () => {
    const bucket = new TokenBucket(1, 1);
    expect(bucket.take(10_000).ok).toBe(true);
    expect(bucket.take(5_000).ok).toBe(false);
    expect(bucket.take(10_000).ok).toBe(false);
    expect(bucket.take(11_000).ok).toBe(true);
  });
});

describe('ByteBudget', () => {
  it('stays within the limit unless a taker is alone, and gives back exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 400 })), { maxLength: 80 }),
        (limit, ops) => {
          const budget = new ByteBudget(limit);
          const held: number[] = [];
          for (const [takeIt, bytes] of ops) {
            if (takeIt || held.length === 0) {
              const before = budget.inUse;
              const ok = budget.take(bytes);
              if (ok) held.push(bytes);
              if (ok && before > 0) expect(budget.inUse).toBeLessThanOrEqual(limit);
              if (before === 0) expect(ok).toBe(true);
              if (!ok) expect(budget.inUse).toBe(before);
            } else {
              budget.give(held.pop()!);
            }
            expect(budget.inUse).toBe(held.reduce((s, b) => s + b, 0));
          }
        },
      ),
    );
  });
});
