// A recovery key set after cases arrived cannot read them until they are granted to it: how many
// cases of its unit it does not read yet, so the supervisor's Access tab and `portal recovery`
// can offer to grant them (grants/service.ts), and stop offering once it is done.
import { and, eq, exists, or, sql } from 'drizzle-orm';
import { caseShares, grantPackets, messages, reports, supervisors } from '../../db/schema';
import { nowSeconds, readingKeyFilter } from '../cases/reach';
import { type Ctx, checksOf } from '../context';

/** The unit's active recovery key and the cases it cannot read yet (judged by each report). */
export async function recoveryBacklog(ctx: Ctx, unitId: string) {
  const [key] = await ctx.db
    .select()
    .from(supervisors)
    .where(
      and(
        eq(supervisors.unitId, unitId),
        eq(supervisors.role, 'recovery'),
        readingKeyFilter(nowSeconds(ctx)),
      ),
    )
    .limit(1);
  if (!key) return null;
  const ids = new Set((JSON.parse(key.encryptionKeyIds) as string[]).map((i) => i.toLowerCase()));
  const rows = await ctx.db
    .select({ caseId: reports.id, ciphertext: messages.ciphertext, granted: grantPackets.itemId })
    .from(reports)
    .innerJoin(messages, and(eq(messages.reportId, reports.id), eq(messages.position, 0)))
    .leftJoin(
      grantPackets,
      and(eq(grantPackets.itemId, messages.id), eq(grantPackets.granteeId, key.id)),
    )
    // The cases the unit may read whole (addressed, copied, shared): a unit that only sees a flag
    // from below cannot give the case to anyone (contract/reach.ts).
    .where(
      or(
        eq(reports.unitId, unitId),
        eq(reports.copiedUnitId, unitId),
        exists(
          ctx.db
            .select({ one: sql`1` })
            .from(caseShares)
            .where(and(eq(caseShares.reportId, reports.id), eq(caseShares.unitId, unitId))),
        ),
      ),
    );
  const pending: string[] = [];
  for (const r of rows) {
    if (r.granted) continue;
    const named = await checksOf(ctx).encryptedTo(r.ciphertext);
    if (!named?.some((id) => ids.has(id.toLowerCase()))) pending.push(r.caseId);
  }
  return { keyId: key.id, fingerprint: key.fingerprint, cases: pending };
}
