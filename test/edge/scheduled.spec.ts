// The one scheduler at the edge: a Cron Trigger's scheduled event, inside workerd, runs the jobs
// once per slot, sends notices through the webhook (a real HTTP server on the Node side) or
// Cloudflare's e-mail binding (Miniflare's), and deletes expired cases with their R2 objects.
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setState, signIn } from '../../src/client/supervisor';
import { R2BlobStore, type R2BucketLike } from '../../src/storage/r2-blobs';
import { demoKey, makeHarness, reportTo, withCookies } from './harness';

const hook = env.TEST_HOOK_URL as string;
const DAY = 86_400_000;

async function registered(h: Awaited<ReturnType<typeof makeHarness>>, email: string) {
  const s = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
  const res = await s.fetcher('/api/notify', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
    body: JSON.stringify({ email, digestHour: 0 }),
  });
  expect(res.status).toBe(201);
  return s;
}

const outboxSize = async (h: Awaited<ReturnType<typeof makeHarness>>) =>
  Number((await h.ctx.db.all<{ n: number }>(sql`select count(*) as n from outbox`))[0]!.n);

describe('scheduled event in workerd', () => {
  it('sends notices through the webhook, once per slot however often the trigger fires', async () => {
    const h = await makeHarness({
      NOTIFY_WEBHOOK_URL: `${hook}/hook`,
      NOTIFY_WEBHOOK_TOKEN: 'hook-secret',
    });
    await registered(h, 'edge@court.example');
    expect(await outboxSize(h)).toBe(1);
    await h.scheduled();
    await h.scheduled();
    const got = (await (await fetch(`${hook}/received`)).json()) as {
      authorization: string;
      body: { to: string; subject: string; text: string };
    }[];
    const mine = got.filter((g) => g.body.to === 'edge@court.example');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.authorization).toBe('Bearer hook-secret');
    expect(mine[0]!.body.subject).toBe('Confirm your address for portal notices');
    expect(await outboxSize(h)).toBe(0);
    const runs = await h.ctx.db.all<{ name: string }>(sql`select name from job_runs`);
    expect(runs.map((r) => r.name)).toContain('notice-send');
  });

  it('keeps a notice the webhook refuses, for a later try', async () => {
    const h = await makeHarness({ NOTIFY_WEBHOOK_URL: `${hook}/refuse` });
    await registered(h, 'refused@court.example');
    await h.scheduled();
    const [row] = await h.ctx.db.all<{ attempts: number; last_error: string }>(
      sql`select attempts, last_error from outbox`,
    );
    expect(row).toEqual({
      attempts: 1,
      last_error: 'the notice webhook refused the notice (HTTP 503)',
    });
  });

  it('sends through Cloudflare’s e-mail binding when MAIL is bound', async () => {
    const h = await makeHarness({ MAIL_FROM: 'notices@portal.example' });
    await registered(h, 'binding@court.example');
    await h.scheduled({ MAIL: env.TEST_MAIL });
    expect(await outboxSize(h)).toBe(0);
  });

  it('deletes an expired case with its R2 objects', async () => {
    const h = await makeHarness();
    await reportTo(h, 'basic', 'Edge retention case.', [
      { name: 'a.txt', type: 'text/plain', bytes: new TextEncoder().encode('edge file') },
    ]);
    const [c] = await h.ctx.db.all<{ id: string }>(sql`select id from reports`);
    const [file] = await h.ctx.db.all<{ id: string }>(sql`select id from attachments`);
    const blobs = new R2BlobStore(env.BLOBS as R2BucketLike);
    expect(await blobs.get(file!.id)).not.toBeNull();
    const s = await signIn(withCookies(h.fetcher), await demoKey(h, 'basic-supervisor'));
    await setState(s, c!.id, 'acknowledged');
    await setState(s, c!.id, 'closed', 'withdrawn');
    h.advance(760 * DAY);
    await h.scheduled();
    expect(await h.ctx.db.all(sql`select id from reports`)).toEqual([]);
    expect(await blobs.get(file!.id)).toBeNull();
    const audit = await h.ctx.db.all<{ report_id: string }>(
      sql`select report_id from audit_log where action = 'case.delete'`,
    );
    expect(audit).toEqual([{ report_id: c!.id }]);
  });
});
