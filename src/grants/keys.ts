// The keys of a unit that may receive its cases by a grant: its reading keys (cases/reach.ts),
// people's and the recovery key, with what a granter's browser needs to wrap for them.
import { and, asc, eq } from 'drizzle-orm';
import { supervisors } from '../../db/schema';
import { nowSeconds, readingKeyFilter } from '../cases/reach';
import type { Ctx } from '../context';
import type { GrantableKey } from '../contract/grants';
import { READING_ROLES } from '../contract/reach';

const isReadingRole = (role: string) => (READING_ROLES as readonly string[]).includes(role);

export async function unitReadingKeys(ctx: Ctx, unitId: string): Promise<GrantableKey[]> {
  const rows = await ctx.db
    .select({
      id: supervisors.id,
      role: supervisors.role,
      displayName: supervisors.displayName,
      pseudonym: supervisors.pseudonym,
      fingerprint: supervisors.fingerprint,
      publicKey: supervisors.publicKey,
    })
    .from(supervisors)
    .where(and(eq(supervisors.unitId, unitId), readingKeyFilter(nowSeconds(ctx))))
    .orderBy(asc(supervisors.createdAt));
  // The filter admits reading keys only (people's and the recovery key); this narrows the type.
  return rows.filter((r): r is GrantableKey => isReadingRole(r.role));
}
