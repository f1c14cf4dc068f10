// Grants: whoever can read a case gives it to another key that may read it (cases/reach.ts), by
// adding one session-key packet per message and file. The server holds no key: it checks that the
// data is unchanged, the new packet names the grantee, and the granter's key was a recipient.
import { eq } from 'drizzle-orm';
import { caseGrants, grantPackets, reports, supervisors } from '../../db/schema';
import { withAudit } from '../audit/service';
import { caseFacts, caseNotFound, nowSeconds } from '../cases/reach';
import type { Ctx } from '../context';
import type { GrantResponse, PendingItems } from '../contract/grants';
import { mayRead } from '../contract/reach';
import { checkRewrap, toBase64Url, withKeyPacket } from '../crypto';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import type { SupervisorRow } from '../supervisors/records';
import { type CaseItem, caseItems, type ItemKind, readableBy } from './items';

export interface Granter {
  /** Who acts: the signed-in granter, or `operator` for the command line. */
  actorId: string;
  /** The granting key's record; a recovery key's too. */
  key: SupervisorRow;
}

export interface GrantItem {
  kind: ItemKind;
  id: string;
  /** The new session-key packet, binary OpenPGP. */
  packet: Uint8Array;
}

const keyIdsOf = (row: SupervisorRow) => JSON.parse(row.encryptionKeyIds) as string[];

async function supervisorRow(ctx: Ctx, id: string) {
  const [row] = await ctx.db.select().from(supervisors).where(eq(supervisors.id, id)).limit(1);
  return row ?? null;
}

/** The case, its items and the grantee, once both keys are checked against the reach rules. */
async function grantContext(ctx: Ctx, granter: Granter, reportId: string, granteeId: string) {
  const [report] = await ctx.db.select().from(reports).where(eq(reports.id, reportId)).limit(1);
  if (!report) throw caseNotFound();
  const facts = await caseFacts(ctx, report);
  const now = nowSeconds(ctx);
  // A granter outside the case's reach learns nothing about it, as for any other case request.
  if (!mayRead(granter.key, facts, now)) throw caseNotFound();
  const grantee = await supervisorRow(ctx, granteeId);
  if (!grantee || !mayRead(grantee, facts, now) || grantee.id === granter.key.id) {
    throw new AppError(
      'forbidden',
      'This key may not receive the case: it must be another approved, active key of a unit that sees the case.',
    );
  }
  return { report, grantee, items: await caseItems(ctx, reportId) };
}

/** What the grantee cannot read yet, with what the granter needs to re-wrap it. */
export async function pendingItems(
  ctx: Ctx,
  granter: Granter,
  reportId: string,
  granteeId: string,
): Promise<PendingItems> {
  const { grantee, items } = await grantContext(ctx, granter, reportId, granteeId);
  const todo = items.filter((i) => !readableBy(i, keyIdsOf(grantee)));
  return {
    grantee: {
      id: grantee.id,
      pseudonym: grantee.pseudonym,
      fingerprint: grantee.fingerprint,
      publicKey: grantee.publicKey,
    },
    items: todo.map((i) => ({
      kind: i.kind,
      id: i.id,
      keyPackets: toBase64Url(i.keyPackets),
      data: i.data,
    })),
  };
}

/**
 * Checks every sent packet against its item; returns the packets to store. The granter's and the
 * grantee's encryption key IDs say who may re-wrap and for whom (a supervisor's grant and a
 * reporter's share alike). An item the grantee came to read meanwhile (a grant that raced this
 * one) is skipped, not refused.
 */
export async function rewrapped(
  granterKeyIds: string[],
  granteeKeyIds: string[],
  items: CaseItem[],
  sent: GrantItem[],
) {
  const byKey = new Map(sent.map((s) => [`${s.kind}:${s.id}`, s]));
  if (byKey.size !== sent.length) throw new AppError('invalid_request', 'An item is listed twice.');
  const known = new Set(items.map((i) => `${i.kind}:${i.id}`));
  const stray = sent.find((s) => !known.has(`${s.kind}:${s.id}`));
  if (stray) throw new AppError('invalid_request', `The case has no ${stray.kind} ${stray.id}.`);
  const out: { item: CaseItem; packet: Uint8Array }[] = [];
  for (const item of items.filter((i) => !readableBy(i, granteeKeyIds))) {
    const s = byKey.get(`${item.kind}:${item.id}`);
    if (!s)
      throw new AppError(
        'conflict',
        `The ${item.kind} ${item.id} is missing; fetch the case's keys again.`,
      );
    if (!readableBy(item, granterKeyIds))
      throw new AppError(
        'forbidden',
        `Your key cannot read the ${item.kind} ${item.id}, so it cannot grant it.`,
      );
    const bytes = withKeyPacket(item.bytes, item.dataStart, s.packet);
    const check = await checkRewrap(item.bytes, bytes, granteeKeyIds);
    if (!check.ok)
      throw new AppError('invalid_request', `The ${item.kind} ${item.id}: ${check.reason}.`);
    out.push({ item, packet: s.packet });
  }
  return out;
}

/** Stores a grant in one batch: one new session-key packet per item (grant_packets, insert only,
 * so a grant racing another on the same item cannot drop its packet), the grant record and its
 * audit entry. A packet the grantee already got from a racing grant of their own is kept as is. */
export async function grantCase(
  ctx: Ctx,
  granter: Granter,
  reportId: string,
  granteeId: string,
  sent: GrantItem[],
): Promise<GrantResponse> {
  const { report, grantee, items } = await grantContext(ctx, granter, reportId, granteeId);
  const changed = await rewrapped(keyIdsOf(granter.key), keyIdsOf(grantee), items, sent);
  if (changed.length === 0) return { granted: 0 };
  const id = newId();
  await withAudit(
    ctx,
    {
      actorId: granter.actorId,
      action: 'case.grant',
      unitId: report.unitId,
      reportId,
      targetId: grantee.id,
      detail: {
        grantId: id,
        granter: granter.key.fingerprint,
        grantee: grantee.fingerprint,
        items: changed.length,
      },
    },
    () => [
      ctx.db
        .insert(grantPackets)
        .values(
          changed.map((c) => ({
            itemId: c.item.id,
            granteeId: grantee.id,
            reportId,
            grantId: id,
            packet: toBase64Url(c.packet),
          })),
        )
        .onConflictDoNothing(),
      ctx.db.insert(caseGrants).values({
        id,
        reportId,
        granteeId: grantee.id,
        granterId: granter.key.id,
        actorId: granter.actorId,
        items: changed.length,
        createdAt: nowSeconds(ctx),
      }),
    ],
  );
  return { granted: changed.length, grantId: id };
}

/** The signed-in supervisor as a granter. */
export async function actorGranter(ctx: Ctx, actorId: string): Promise<Granter> {
  const key = await supervisorRow(ctx, actorId);
  if (!key) throw notFound('No such supervisor.');
  return { actorId, key };
}
