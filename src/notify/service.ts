// Content-free notices: a supervisor's verified address, the daily digest and the urgent
// reminders (same words for everyone, nothing about any case in clear), and the outbox that sends
// them off the request path with retries and backoff.
import { and, asc, count, desc, eq, gte, lt, lte, ne, or, type SQL } from 'drizzle-orm';
import {
  auditLog,
  messages,
  notifyAddresses,
  outbox,
  reports,
  retaliationFlags,
  supervisors,
} from '../../db/schema';
import { withAudit } from '../audit/service';
import type { Actor } from '../auth/actor';
import { nowSeconds, visibleParts } from '../cases/reach';
import type { Ctx } from '../context';
import type { NoticeRegistered, NoticeSettings, NoticesStopped } from '../contract/notify';
import { randomBytes, sha256Hex, toBase64Url, utf8 } from '../crypto/encoding';
import { sealToKey } from '../crypto/messages';
import { addDays, toDay } from '../lib/days';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { MailError, type Mailer } from './mailer';

export interface Registration {
  email: string;
  digestHour: number;
  onlyWhenActive: boolean;
  encryptDetails: boolean;
}

const seconds = (ctx: Ctx) => Math.floor(ctx.now().getTime() / 1000);

async function enqueue(ctx: Ctx, to: string, subject: string, text: string) {
  await ctx.db
    .insert(outbox)
    .values({ id: newId(), to, subject, body: text, nextAt: seconds(ctx) });
}

/** Registers (or replaces) the actor's address; it is used only once its link is followed. */
export async function register(
  ctx: Ctx,
  actor: Actor,
  r: Registration,
  origin: string,
): Promise<NoticeRegistered> {
  const token = toBase64Url(randomBytes(32));
  const row = {
    supervisorId: actor.id,
    email: r.email,
    verified: false,
    tokenHash: await sha256Hex(token),
    digestHour: r.digestHour,
    onlyWhenActive: r.onlyWhenActive,
    encryptDetails: r.encryptDetails,
    createdAt: seconds(ctx),
  };
  await withAudit(
    ctx,
    { actorId: actor.id, action: 'notify.register', unitId: actor.unitId },
    () => [
      ctx.db
        .insert(notifyAddresses)
        .values(row)
        .onConflictDoUpdate({ target: notifyAddresses.supervisorId, set: row }),
    ],
  );
  await enqueue(
    ctx,
    r.email,
    'Confirm your address for portal notices',
    [
      'Someone registered this address for notices from the whistleblower portal.',
      'If it was you, open this link and press the button to confirm it:',
      '',
      `${origin}/api/notify/verify?token=${token}`,
      '',
      'If it was not you, ignore this message: nothing will be sent to this address.',
    ].join('\n'),
  );
  return { email: r.email, verified: false };
}

/** Confirms an address by its link's token (the POST behind the page's button). */
export async function verify(ctx: Ctx, token: string): Promise<void> {
  const hash = await sha256Hex(token);
  const [row] = await ctx.db
    .select()
    .from(notifyAddresses)
    .where(eq(notifyAddresses.tokenHash, hash))
    .limit(1);
  if (!row) {
    throw new AppError(
      'not_found',
      'This confirmation link is not valid: it was already used, or the address was registered again since. Register the address again from your account page.',
    );
  }
  await withAudit(ctx, { actorId: row.supervisorId, action: 'notify.verify' }, () => [
    ctx.db
      .update(notifyAddresses)
      .set({ verified: true, tokenHash: null })
      .where(eq(notifyAddresses.supervisorId, row.supervisorId)),
  ]);
}

export async function settingsOf(ctx: Ctx, actor: Actor): Promise<NoticeSettings> {
  const [row] = await ctx.db
    .select()
    .from(notifyAddresses)
    .where(eq(notifyAddresses.supervisorId, actor.id))
    .limit(1);
  if (!row) return { registered: false as const };
  const { email, verified, digestHour, onlyWhenActive, encryptDetails } = row;
  return { registered: true as const, email, verified, digestHour, onlyWhenActive, encryptDetails };
}

export async function unregister(ctx: Ctx, actor: Actor): Promise<NoticesStopped> {
  await ctx.db.delete(notifyAddresses).where(eq(notifyAddresses.supervisorId, actor.id));
  return { registered: false as const };
}

export interface Summary {
  newItems: number;
  acknowledgeTomorrow: number;
  feedbackWithinWeek: number;
  flagsUnanswered: number;
  overdue: number;
  enrolmentsWaiting: number;
}

const n = (rows: { n: number }[]) => Number(rows[0]?.n ?? 0);
const sum = async (queries: PromiseLike<{ n: number }[]>[]) =>
  (await Promise.all(queries)).reduce((total, rows) => total + n(rows), 0);

/**
 * What concerns one supervisor (or administrator) today: every case their key sees, by any
 * relation (addressed, copied, shared, escalated, a flag passed up), and none they are excluded
 * from, as their inbox shows them.
 */
export async function summary(
  ctx: Ctx,
  who: { id: string; unitId: string; role: string },
): Promise<Summary> {
  const { unitId, role } = who;
  const today = toDay(ctx.now());
  const yesterday = addDays(today, -1);
  const tomorrow = addDays(today, 1);
  const parts = visibleParts(unitId, who.id, nowSeconds(ctx));
  const open = ne(reports.state, 'closed');
  // Each count over the two disjoint parts of what the key sees, so that the unit's own cases are
  // counted from its covering index (see `visibleParts`).
  const cases = (where: SQL) =>
    sum(parts.map((mine) => ctx.db.select({ n: count() }).from(reports).where(and(mine, where))));
  // Messages and flags, counted through the cases they belong to.
  const through = (table: typeof messages | typeof retaliationFlags, where: SQL) =>
    sum(
      parts.map((mine) =>
        ctx.db
          .select({ n: count() })
          .from(table)
          .innerJoin(reports, eq(reports.id, table.reportId))
          .where(and(mine, where)),
      ),
    );
  const [newItems, ackTomorrow, feedback, flags, overdueCases, overdueFlags, enrol] =
    await Promise.all([
      through(messages, and(ne(messages.kind, 'reply'), gte(messages.day, yesterday)) as SQL),
      cases(and(eq(reports.state, 'received'), eq(reports.acknowledgeBy, tomorrow)) as SQL),
      cases(
        and(
          open,
          gte(reports.feedbackBy, today),
          lte(reports.feedbackBy, addDays(today, 7)),
        ) as SQL,
      ),
      through(
        retaliationFlags,
        and(eq(retaliationFlags.state, 'received'), lte(retaliationFlags.day, yesterday)) as SQL,
      ),
      cases(
        or(
          and(eq(reports.state, 'received'), lt(reports.acknowledgeBy, today)),
          and(open, lt(reports.feedbackBy, today)),
        ) as SQL,
      ),
      through(
        retaliationFlags,
        and(ne(retaliationFlags.state, 'resolved'), lt(retaliationFlags.dueBy, today)) as SQL,
      ),
      role === 'admin'
        ? ctx.db
            .select({ n: count() })
            .from(supervisors)
            .where(eq(supervisors.status, 'pending'))
            .then(n)
        : Promise.resolve(0),
    ]);
  return {
    newItems,
    acknowledgeTomorrow: ackTomorrow,
    feedbackWithinWeek: feedback,
    flagsUnanswered: flags,
    overdue: overdueCases + overdueFlags,
    enrolmentsWaiting: enrol,
  };
}

const urgent = (s: Summary) => s.acknowledgeTomorrow + s.flagsUnanswered + s.overdue > 0;
const anything = (s: Summary) =>
  urgent(s) || s.newItems + s.feedbackWithinWeek + s.enrolmentsWaiting > 0;

/** The audit chain's head, so every mailbox that keeps notices witnesses the log. */
export async function auditHead(ctx: Ctx): Promise<string> {
  const [head] = await ctx.db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return head ? `${head.hash} (entry ${head.seq})` : 'none yet';
}

/** The counts, padded and encrypted to the supervisor's own key: readable by them alone. */
const sealedDetails = (publicKey: string, s: Summary) =>
  sealToKey(utf8(JSON.stringify(s)), publicKey);

export const DIGEST_SUBJECT = 'Portal notice';
export const REMINDER_SUBJECT = 'Portal reminder';

function noticeText(kind: 'digest' | 'reminder', origin: string, head: string, details?: string) {
  const lines =
    kind === 'digest'
      ? [
          'This is your daily notice from the whistleblower portal. It is sent at the same hour',
          'every day and says nothing about any case. Sign in to see whether anything needs you:',
        ]
      : [
          'Something in the portal needs attention soon (a deadline that is near or has passed).',
          'Sign in to see it:',
        ];
  return [
    ...lines,
    `${origin}/supervisor`,
    '',
    `Audit log head: ${head}`,
    ...(details
      ? [
          '',
          'Details, encrypted to your own key (decrypt with your key, e.g. gpg -d):',
          '',
          details,
        ]
      : []),
  ].join('\n');
}

async function recipients(ctx: Ctx) {
  return ctx.db
    .select({
      id: supervisors.id,
      unitId: supervisors.unitId,
      role: supervisors.role,
      publicKey: supervisors.publicKey,
      email: notifyAddresses.email,
      digestHour: notifyAddresses.digestHour,
      onlyWhenActive: notifyAddresses.onlyWhenActive,
      encryptDetails: notifyAddresses.encryptDetails,
    })
    .from(notifyAddresses)
    .innerJoin(supervisors, eq(supervisors.id, notifyAddresses.supervisorId))
    .where(and(eq(notifyAddresses.verified, true), eq(supervisors.status, 'approved')));
}

const siteOf = (ctx: Ctx) => ctx.config.publicOrigins[0] ?? '';

/**
 * Queues the digests due this hour: to everyone whose digest hour it is, every day (the same
 * words whether or not anything happened) unless they chose "only when there is something".
 */
export async function queueDigests(ctx: Ctx): Promise<number> {
  const hour = ctx.now().getUTCHours();
  const head = await auditHead(ctx);
  let queued = 0;
  for (const r of await recipients(ctx)) {
    if (r.digestHour !== hour) continue;
    const s = await summary(ctx, r);
    if (r.onlyWhenActive && !anything(s)) continue;
    const details = r.encryptDetails ? await sealedDetails(r.publicKey, s) : undefined;
    await enqueue(ctx, r.email, DIGEST_SUBJECT, noticeText('digest', siteOf(ctx), head, details));
    queued++;
  }
  return queued;
}

/** Queues reminders at the configured hours, to those with something urgent. */
export async function queueReminders(ctx: Ctx): Promise<number> {
  if (!ctx.config.notify.reminderHours.includes(ctx.now().getUTCHours())) return 0;
  const head = await auditHead(ctx);
  let queued = 0;
  for (const r of await recipients(ctx)) {
    const s = await summary(ctx, r);
    if (!urgent(s)) continue;
    const details = r.encryptDetails ? await sealedDetails(r.publicKey, s) : undefined;
    await enqueue(
      ctx,
      r.email,
      REMINDER_SUBJECT,
      noticeText('reminder', siteOf(ctx), head, details),
    );
    queued++;
  }
  return queued;
}

/** Attempts before a notice is given up (about two days with the backoff below). */
export const MAX_ATTEMPTS = 10;
const LEASE_SECONDS = 600;
/** One minute after the first failure, doubling, at most six hours. */
export const backoffSeconds = (attempts: number) => Math.min(60 * 2 ** (attempts - 1), 6 * 3600);

/**
 * Sends what is due. Each notice is leased first (its next attempt moved forward in one
 * conditional update), so two instances never send the same one.
 */
export async function sendDue(
  ctx: Ctx,
  mailer: Mailer,
  log: (line: string) => void,
  batch = 50,
): Promise<{ sent: number; failed: number }> {
  const now = seconds(ctx);
  const due = await ctx.db
    .select()
    .from(outbox)
    .where(lte(outbox.nextAt, now))
    .orderBy(asc(outbox.nextAt))
    .limit(batch);
  let sent = 0;
  let failed = 0;
  for (const item of due) {
    const leased = await ctx.db
      .update(outbox)
      .set({ nextAt: now + LEASE_SECONDS })
      .where(and(eq(outbox.id, item.id), eq(outbox.nextAt, item.nextAt)))
      .returning({ id: outbox.id });
    if (leased.length === 0) continue;
    try {
      await mailer.send({ to: item.to, subject: item.subject, text: item.body });
      await ctx.db.delete(outbox).where(eq(outbox.id, item.id));
      sent++;
    } catch (err) {
      failed++;
      const reason = err instanceof MailError ? err.message : 'the sender failed';
      const attempts = item.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        await ctx.db.delete(outbox).where(eq(outbox.id, item.id));
        log(`notice dropped after ${attempts} attempts: ${reason}`);
        continue;
      }
      const wait = backoffSeconds(attempts);
      await ctx.db
        .update(outbox)
        .set({ attempts, nextAt: now + wait, lastError: reason })
        .where(eq(outbox.id, item.id));
      log(`notice not sent (attempt ${attempts}), next try in ${wait} s: ${reason}`);
    }
  }
  return { sent, failed };
}
