// A submission that can be repeated: a retry after a lost answer gets the first answer and never
// a second case, and a report with files stays out of every inbox until its last file is in.
// scenario: node and workerd
import { count, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { attachments, reportDrafts, reports } from '../../db/schema';
import { ApiError, type Fetcher } from '../../src/client/api';
import {
  fileSource,
  openCase,
  type PreparedReport,
  prepareReport,
  readMessages,
  sendReport,
} from '../../src/client/reporter';
import { inbox, signIn } from '../../src/client/supervisor';
import { generateReceipt, sha256Hex } from '../../src/crypto';
import { DRAFT_DAYS, dropAbandonedDrafts } from '../../src/lib/housekeeping';
import { demoKey, demoUnit, sampleReport, useHarness, withCookies } from '../helpers/harness';

const h = useHarness();

const file = (name: string, text: string) => ({
  name,
  type: 'text/plain',
  bytes: new TextEncoder().encode(text),
});

async function prepare(what: string, files: ReturnType<typeof file>[]): Promise<PreparedReport> {
  const units = await h.units();
  return prepareReport({
    units,
    unitId: demoUnit(units, 'basic').id,
    copyToParent: false,
    receipt: generateReceipt(),
    report: sampleReport(what),
    files: files.map(fileSource),
  });
}

/** Passes requests on, but loses the answer to the ones `lose` picks, as a broken network would. */
function losingAnswers(lose: (path: string) => boolean): Fetcher {
  return async (path, init) => {
    const res = await h.fetcher(path, init);
    if (lose(path)) throw new TypeError('Failed to fetch');
    return res;
  };
}

/** As `losingAnswers`, and the tab is closed then: a file's upload does not retry by itself. */
function closingAfter(lose: (path: string) => boolean): Fetcher {
  return async (path, init) => {
    const res = await h.fetcher(path, init);
    if (lose(path)) throw new ApiError(499, 'tab_closed', 'The tab was closed.');
    return res;
  };
}

/** The n-th chunk request (from 0) of a submission. */
function nthChunk(n: number): (path: string) => boolean {
  let seen = -1;
  return (path) => /^\/api\/uploads\/[^/]+\/chunks\/\d+$/.test(path) && ++seen === n;
}

const countRows = async (table: typeof reports | typeof reportDrafts) =>
  (await h.ctx.db.select({ n: count() }).from(table))[0]?.n ?? 0;

describe('idempotent submission', () => {
  it('answers a repeat of a lost report with the first answer and one case', async () => {
    const before = await countRows(reports);
    const prepared = await prepare('Lost answer, no files.', []);
    let lost = true;
    const flaky = losingAnswers((p) => p === '/api/reports' && lost);
    await expect(sendReport(flaky, prepared)).rejects.toThrow(TypeError);
    lost = false;
    const first = await sendReport(h.fetcher, prepared);
    const again = await sendReport(h.fetcher, prepared);
    expect(again.messageId).toBe(first.messageId);
    expect(await countRows(reports)).toBe(before + 1);
  });

  it('keeps a report with files as a draft until its last file is in, then finishes it', async () => {
    const supervisor = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    const seen = (await inbox(supervisor)).items.length;
    const prepared = await prepare('Two files, one lost answer.', [
      file('one.txt', 'first file'),
      file('two.txt', 'second file'),
    ]);
    // The answer to the first file is lost: the report is a draft nobody can see yet.
    const flaky = closingAfter(nthChunk(0));
    await expect(sendReport(flaky, prepared)).rejects.toMatchObject({ code: 'tab_closed' });
    expect(await countRows(reportDrafts)).toBe(1);
    expect((await inbox(supervisor)).items).toHaveLength(seen);

    const done = await sendReport(h.fetcher, prepared);
    expect(await countRows(reportDrafts)).toBe(0);
    expect((await inbox(supervisor)).items).toHaveLength(seen + 1);
    const session = await openCase(h.fetcher, done.receipt);
    const [report] = await readMessages(session);
    expect(report?.id).toBe(done.messageId);
    // Each file once, in order, and their names and real sizes inside the sealed report.
    expect(report?.attachments).toHaveLength(2);
    expect(report?.content).toMatchObject({
      files: [
        { name: 'one.txt', size: 10 },
        { name: 'two.txt', size: 11 },
      ],
    });
    // A third repeat changes nothing.
    expect((await sendReport(h.fetcher, prepared)).messageId).toBe(done.messageId);
    expect((await inbox(supervisor)).items).toHaveLength(seen + 1);
  });

  it('refuses another report under a receipt already used', async () => {
    const a = await prepare('First report.', []);
    await sendReport(h.fetcher, a);
    const b = await prepare('A different report.', []);
    b.draft.receipt = a.draft.receipt;
    b.draft.lookupToken = a.draft.lookupToken;
    await expect(sendReport(h.fetcher, b)).rejects.toMatchObject({ status: 409 });
  });

  it('refuses a file out of order and a file for an unknown receipt', async () => {
    const prepared = await prepare('Out of order.', [file('a.txt', 'a'), file('b.txt', 'b')]);
    const flaky = closingAfter(nthChunk(0));
    await expect(sendReport(flaky, prepared)).rejects.toMatchObject({ code: 'tab_closed' });
    const hash = await sha256Hex(prepared.draft.lookupToken);
    const [draft] = await h.ctx.db
      .select()
      .from(reportDrafts)
      .where(eq(reportDrafts.lookupHash, hash));
    const announce = async (index: number, token: string) => {
      return h.fetcher('/api/uploads', {
        method: 'POST',
        headers: { 'x-lookup-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({
          messageId: draft?.messageId,
          index,
          total: 1024,
          chunks: 1,
          tag: 'T'.repeat(22),
        }),
      });
    };
    expect((await announce(0, prepared.draft.lookupToken)).status).toBe(409);
    expect((await announce(2, prepared.draft.lookupToken)).status).toBe(409);
    expect((await announce(0, 'A'.repeat(43))).status).toBe(404);
  });

  it('forgets a draft abandoned for more than a week, with the files it had', async () => {
    const prepared = await prepare('Abandoned.', [file('a.txt', 'a'), file('b.txt', 'b')]);
    const flaky = closingAfter(nthChunk(1));
    await expect(sendReport(flaky, prepared)).rejects.toMatchObject({ code: 'tab_closed' });
    const drafts = await countRows(reportDrafts);
    expect(drafts).toBeGreaterThan(0);
    await dropAbandonedDrafts(h.ctx);
    expect(await countRows(reportDrafts)).toBe(drafts);
    h.advance((DRAFT_DAYS + 1) * 86_400_000);
    await dropAbandonedDrafts(h.ctx);
    expect(await countRows(reportDrafts)).toBe(0);
    const orphans = await h.ctx.db
      .select({ id: attachments.id })
      .from(attachments)
      .leftJoin(reports, eq(reports.id, attachments.reportId))
      .where(isNull(reports.id));
    expect(orphans).toEqual([]);
  });
});
