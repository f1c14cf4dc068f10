// The rows a final report is made of: the case, its first state and its first message. Written
// at once, whether the report arrives whole or is promoted from a draft when its last file is in.
import { caseEvents, messages, reports } from '../../db/schema';
import { sortKey } from '../cases/sort-key';
import type { Ctx } from '../context';
import { addDays, addMonths } from '../lib/days';
import { newId } from '../lib/ids';

export interface FinalReport {
  id: string;
  messageId: string;
  unitId: string;
  copiedUnitId: string | null;
  lookupHash: string;
  reporterPublicKey: string;
  reporterLockedKey: string;
  reporterKeyIds: string;
  ciphertext: string;
}

/** The three inserts of a received report, dated `day`; deadlines start on that day. */
export function finalReportWrites(ctx: Ctx, r: FinalReport, day: string) {
  const acknowledgeBy = addDays(day, ctx.config.deadlines.acknowledgeDays);
  const feedbackBy = addMonths(day, ctx.config.deadlines.feedbackMonths);
  const order = sortKey({
    id: r.id,
    state: 'received',
    receivedDay: day,
    acknowledgeBy,
    feedbackBy,
    openFlagDue: null,
  });
  return [
    ctx.db.insert(reports).values({
      id: r.id,
      unitId: r.unitId,
      copiedUnitId: r.copiedUnitId,
      lookupHash: r.lookupHash,
      reporterPublicKey: r.reporterPublicKey,
      reporterLockedKey: r.reporterLockedKey,
      reporterKeyIds: r.reporterKeyIds,
      receivedDay: day,
      acknowledgeBy,
      feedbackBy,
      sortKey: order,
    }),
    ctx.db
      .insert(caseEvents)
      .values({ id: newId(), reportId: r.id, position: 0, state: 'received', day }),
    ctx.db.insert(messages).values({
      id: r.messageId,
      reportId: r.id,
      position: 0,
      kind: 'report',
      ciphertext: r.ciphertext,
      day,
    }),
  ] as const;
}
