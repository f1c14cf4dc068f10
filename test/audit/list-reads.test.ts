// Reads of case lists leave traces: a supervisor listing their inbox, the retaliation list or the
// cases due for deletion is logged once per person, list and day, however often the page polls or
// pages, and even when several requests arrive at once; each entry is dated by the day.
// scenario: node and workerd
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { upcomingDeletions } from '../../src/client/months';
import { inbox, retaliationFlags, signIn } from '../../src/client/supervisor';
import { demoKey, reportTo, useHarness, withCookies } from '../helpers/harness';

const h = useHarness();

const listReads = (actorId: string) =>
  h.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'case.list'), eq(auditLog.actorId, actorId)));

describe('reads of case lists', () => {
  it('are logged once per person, list and day, dated by the day', async () => {
    await reportTo(h, 'basic', 'A report to list.');
    const basic = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const me = basic.supervisor.id;
    expect(await listReads(me)).toEqual([]);
    for (let i = 0; i < 3; i++) await inbox(basic);
    await inbox(basic, { limit: 1 });
    await retaliationFlags(basic);
    await retaliationFlags(basic, { all: true });
    await upcomingDeletions(basic);
    await upcomingDeletions(basic);
    const today = await listReads(me);
    expect(
      today.map((e) => JSON.parse(e.detail)).sort((a, b) => (a.list < b.list ? -1 : 1)),
    ).toEqual([{ list: 'inbox' }, { list: 'retaliation' }, { list: 'retention' }]);
    for (const e of today) {
      expect(e.at % 86_400).toBe(0);
      expect(e.unitId).toBe(basic.supervisor.unitId);
    }

    // Someone else's reading is their own entry.
    const other = await signIn(withCookies(h.fetcher), await demoKey(h, 'intermediate-supervisor'));
    await inbox(other);
    expect(await listReads(other.supervisor.id)).toHaveLength(1);
    expect(await listReads(me)).toHaveLength(3);

    // The next day, one more each; requests at once still make one.
    h.advance(86_400_000);
    const again = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    await Promise.all(Array.from({ length: 6 }, () => inbox(again)));
    const inboxReads = (await listReads(me)).filter((e) => e.detail === '{"list":"inbox"}');
    expect(inboxReads).toHaveLength(2);
    expect(inboxReads[1]!.at - inboxReads[0]!.at).toBe(86_400);
  });
});
