// The rows that make up one case's content, in order: read alike by the supervisor's view and the
// export. Messages come with the session-key packets of grants (grants/packets.ts).
import { and, asc, eq, min, ne } from 'drizzle-orm';
import { attachments, caseEvents, messages, retaliationFlags } from '../../db/schema';
import type { Ctx } from '../context';
import { casePackets, grantedMessage } from '../grants/packets';

/** Due day of the earliest retaliation flag not yet resolved. */
export async function openFlagDue(ctx: Ctx, reportId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ due: min(retaliationFlags.dueBy) })
    .from(retaliationFlags)
    .where(and(eq(retaliationFlags.reportId, reportId), ne(retaliationFlags.state, 'resolved')));
  return row?.due ?? null;
}

export async function caseRecords(ctx: Ctx, reportId: string) {
  const [history, stored, files, flags, packets] = await Promise.all([
    ctx.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.reportId, reportId))
      .orderBy(asc(caseEvents.position)),
    ctx.db
      .select()
      .from(messages)
      .where(eq(messages.reportId, reportId))
      .orderBy(asc(messages.position)),
    ctx.db
      .select()
      .from(attachments)
      .where(eq(attachments.reportId, reportId))
      .orderBy(asc(attachments.id)),
    ctx.db.select().from(retaliationFlags).where(eq(retaliationFlags.reportId, reportId)),
    casePackets(ctx, reportId),
  ]);
  const msgs = await Promise.all(
    stored.map(async (m) => ({
      ...m,
      ciphertext: await grantedMessage(m.ciphertext, packets, m.id),
    })),
  );
  // Rows keep no insertion order (WITHOUT ROWID): flags follow their messages' positions.
  const position = new Map(msgs.map((m) => [m.id, m.position]));
  const byMessage = new Map<string, { id: string; size: number }[]>();
  for (const f of files)
    byMessage.set(f.messageId, [...(byMessage.get(f.messageId) ?? []), { id: f.id, size: f.size }]);
  return {
    history,
    messages: msgs,
    attachments: files,
    /** Files of one message, as both views list them. */
    // Its count also feeds the "k of n files" mark, which only messages stored before 0012 need.
    filesOf: (messageId: string) => byMessage.get(messageId) ?? [],
    /** Retaliation flags as both views show them, in the order of their messages. */
    flags: flags
      .sort((a, b) => (position.get(a.messageId) ?? 0) - (position.get(b.messageId) ?? 0))
      .map((f) => ({
        id: f.id,
        messageId: f.messageId,
        state: f.state,
        day: f.day,
        dueBy: f.dueBy,
      })),
  };
}
