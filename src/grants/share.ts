// A reporter shares their whole case with a unit above: their browser, holding the reporter's
// key (every item of the case is encrypted to it), re-wraps each message's and file's session key
// for every reading key of that unit, exactly as a supervisor's grant does. The server checks each
// packet like a grant's, then records the share and audits it in the same batch.
import { and, eq } from 'drizzle-orm';
import { caseShares, grantPackets, supervisors, units } from '../../db/schema';
import { withAudit } from '../audit/service';
import { caseFacts, nowSeconds, type ReportRow, readingKeyFilter } from '../cases/reach';
import type { Ctx } from '../context';
import type { ShareOffer, ShareResponse } from '../contract/grants';
import { shareTargets } from '../contract/reach';
import { toBase64Url } from '../crypto';
import { toDay } from '../lib/days';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { caseItems, readableBy } from './items';
import { type GrantItem, rewrapped } from './service';

const reporterKeyIds = (report: ReportRow) => JSON.parse(report.reporterKeyIds) as string[];

/** The reading keys of `unitId` that may receive the case (the reporter's exclusions left out). */
async function shareKeys(ctx: Ctx, unitId: string, excluded: string[]) {
  const rows = await ctx.db
    .select({
      id: supervisors.id,
      pseudonym: supervisors.pseudonym,
      fingerprint: supervisors.fingerprint,
      publicKey: supervisors.publicKey,
      encryptionKeyIds: supervisors.encryptionKeyIds,
    })
    .from(supervisors)
    .where(and(eq(supervisors.unitId, unitId), readingKeyFilter(nowSeconds(ctx))))
    .orderBy(supervisors.fingerprint);
  return rows.filter((k) => !excluded.includes(k.id));
}

/** The units the case may be shared with, their keys, and every item to re-wrap. */
export async function shareOffer(ctx: Ctx, report: ReportRow): Promise<ShareOffer> {
  const facts = await caseFacts(ctx, report);
  const items = await caseItems(ctx, report.id);
  const targets = [];
  for (const id of shareTargets(facts)) {
    const [unit] = await ctx.db.select().from(units).where(eq(units.id, id)).limit(1);
    const keys = await shareKeys(ctx, id, facts.excludedKeyIds ?? []);
    if (unit && keys.length > 0)
      targets.push({
        id: unit.id,
        name: unit.name,
        nameZh: unit.nameZh,
        keys: keys.map(({ encryptionKeyIds, ...k }) => {
          const ids = JSON.parse(encryptionKeyIds) as string[];
          // What this key cannot read yet (a flag sent to the unit above it reads already).
          return { ...k, needs: items.filter((i) => !readableBy(i, ids)).map((i) => i.id) };
        }),
      });
  }
  return {
    targets,
    items: items.map((i) => ({
      kind: i.kind,
      id: i.id,
      keyPackets: toBase64Url(i.keyPackets),
      data: i.data,
    })),
  };
}

export interface ShareGrant {
  granteeId: string;
  items: GrantItem[];
}

/**
 * Shares the case with `unitId`: one grant per reading key of that unit, each checked as a
 * supervisor's grant is, then its packets, the share and its audit entry, in one batch. Nothing is stored
 * unless every key of the unit gets every item the reporter can read.
 */
export async function shareCase(
  ctx: Ctx,
  report: ReportRow,
  unitId: string,
  grants: ShareGrant[],
): Promise<ShareResponse> {
  const facts = await caseFacts(ctx, report);
  if (!shareTargets(facts).includes(unitId)) {
    throw new AppError(
      'conflict',
      'The case cannot be shared with this unit: only the unit above (or a unit a flag was passed to) can be given it, once.',
    );
  }
  const keys = await shareKeys(ctx, unitId, facts.excludedKeyIds ?? []);
  const wanted = new Set(keys.map((k) => k.id));
  const sent = new Set(grants.map((g) => g.granteeId));
  if (
    keys.length === 0 ||
    sent.size !== grants.length ||
    sent.size !== wanted.size ||
    ![...sent].every((id) => wanted.has(id))
  ) {
    throw new AppError(
      'invalid_request',
      'A share must re-wrap the case for every reading key of the unit, each once; reload and try again.',
    );
  }
  const mine = reporterKeyIds(report);
  const original = await caseItems(ctx, report.id);
  const unreadable = original.find((i) => !readableBy(i, mine));
  if (unreadable) {
    throw new AppError(
      'forbidden',
      `Your key cannot read the ${unreadable.kind} ${unreadable.id} of this case, so you cannot share it.`,
    );
  }
  // Each key's packets are checked against the stored items on their own, as a grant's are, and
  // stored beside them (grant_packets): the messages and files themselves are never rewritten.
  const shareId = newId();
  const rows: (typeof grantPackets.$inferInsert)[] = [];
  for (const grant of grants) {
    const key = keys.find((k) => k.id === grant.granteeId)!;
    const keyIds = JSON.parse(key.encryptionKeyIds) as string[];
    const done = await rewrapped(mine, keyIds, original, grant.items);
    for (const d of done)
      rows.push({
        itemId: d.item.id,
        granteeId: key.id,
        reportId: report.id,
        grantId: shareId,
        packet: toBase64Url(d.packet),
      });
  }
  const items = new Set(rows.map((r) => r.itemId)).size;
  const day = toDay(ctx.now());
  await withAudit(
    ctx,
    {
      actorId: null,
      action: 'case.share',
      unitId,
      reportId: report.id,
      detail: { keys: keys.length, items },
    },
    () => [
      ...(rows.length > 0 ? [ctx.db.insert(grantPackets).values(rows).onConflictDoNothing()] : []),
      ctx.db.insert(caseShares).values({ reportId: report.id, unitId, day }),
    ],
  );
  return { sharedWith: unitId, keys: keys.length, items, day };
}
