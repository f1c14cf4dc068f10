// The inbox order of a case, kept in one indexed column so that paging 100,000 cases is a range
// scan: open retaliation flags first (earliest due), then open cases by next deadline, then closed.
import type { CaseState } from '../../db/schema';

export interface SortInput {
  id: string;
  state: CaseState;
  receivedDay: string;
  acknowledgeBy: string;
  feedbackBy: string;
  /** Due day of the earliest open retaliation flag, if any. */
  openFlagDue: string | null;
}

export function nextDue(c: SortInput): string | null {
  if (c.openFlagDue) return c.openFlagDue;
  if (c.state === 'closed') return null;
  return c.state === 'received' ? c.acknowledgeBy : c.feedbackBy;
}

export function sortKey(c: SortInput): string {
  if (c.openFlagDue) return `0|${c.openFlagDue}|${c.id}`;
  if (c.state === 'closed') return `2|${c.receivedDay}|${c.id}`;
  return `1|${nextDue(c)}|${c.id}`;
}
