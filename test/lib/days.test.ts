// Calendar-day arithmetic behind every deadline: properties over all days from 1970 to 2200, and
// the month ends where a naive "same day next month" goes wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, toDay } from '../../src/lib/days';

const DAY_MS = 86_400_000;
const day = fc.integer({ min: 0, max: 84_000 }).map((n) => toDay(new Date(n * DAY_MS)));
const months = fc.integer({ min: -240, max: 240 });
const parts = (d: string) => d.split('-').map(Number) as [number, number, number];
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

describe('addMonths', () => {
  it('keeps the day of the month, or the month’s last day when it has fewer', () => {
    fc.assert(
      fc.property(day, months, (start, n) => {
        const [y, m, d] = parts(start);
        const [y2, m2, d2] = parts(addMonths(start, n));
        const index = y * 12 + (m - 1) + n;
        expect([y2, m2]).toEqual([Math.floor(index / 12), (index % 12) + 1]);
        expect(d2).toBe(Math.min(d, lastDayOf(y2, m2)));
      }),
    );
  });

  it('is undone by the opposite step for days that every month has', () => {
    fc.assert(
      fc.property(day, months, (start, n) => {
        fc.pre(parts(start)[2] <= 28);
        expect(addMonths(addMonths(start, n), -n)).toBe(start);
      }),
    );
  });

  it('clamps at month ends and leap days', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonths('2025-12-15', 3)).toBe('2026-03-15');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
  });
});

describe('addDays', () => {
  it('moves by whole days and back', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -4000, max: 4000 }), (start, n) => {
        const moved = addDays(start, n);
        expect(Date.parse(`${moved}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)).toBe(
          n * DAY_MS,
        );
        expect(addDays(moved, -n)).toBe(start);
      }),
    );
  });
});
