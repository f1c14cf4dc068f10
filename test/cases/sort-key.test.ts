// The inbox order kept in one column: comparing two keys as strings must give the order the
// supervisors are promised, for any two cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_STATES } from '../../db/schema';
import { nextDue, type SortInput, sortKey } from '../../src/cases/sort-key';
import { toDay } from '../../src/lib/days';

const day = fc.integer({ min: 18_000, max: 30_000 }).map((n) => toDay(new Date(n * 86_400_000)));
const sortCase: fc.Arbitrary<SortInput> = fc.record({
  id: fc.stringMatching(/^[0-9a-f]{32}$/),
  state: fc.constantFrom(...CASE_STATES),
  receivedDay: day,
  acknowledgeBy: day,
  feedbackBy: day,
  // Half the cases have an open flag, so that every pair of groups is drawn often.
  openFlagDue: fc.oneof(fc.constant(null), day),
});

/** The promised order, written out as comparisons rather than as a key. */
function expectedOrder(a: SortInput, b: SortInput): number {
  const group = (c: SortInput) => (c.openFlagDue ? 0 : c.state === 'closed' ? 2 : 1);
  const when = (c: SortInput) => (group(c) === 2 ? c.receivedDay : (nextDue(c) ?? ''));
  return (
    group(a) - group(b) ||
    when(a).localeCompare(when(b)) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

describe('sortKey', () => {
  it('orders any two cases as promised: flags by due day, open by next deadline, then closed', () => {
    fc.assert(
      fc.property(sortCase, sortCase, (a, b) => {
        const byKey = Math.sign(sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0);
        expect(byKey).toBe(Math.sign(expectedOrder(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the acknowledgement deadline while a case is new, the feedback deadline after', () => {
    fc.assert(
      fc.property(sortCase, (c) => {
        const open = { ...c, openFlagDue: null };
        if (open.state === 'closed') expect(nextDue(open)).toBeNull();
        else if (open.state === 'received') expect(nextDue(open)).toBe(open.acknowledgeBy);
        else expect(nextDue(open)).toBe(open.feedbackBy);
      }),
    );
  });
});
