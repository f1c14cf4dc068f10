// withAudit's optimistic append: a lost race on the chain's head is retried on the new head with
// the change rebuilt, and a head that keeps moving ends in a clear "busy" without a half-write.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, units } from '../../db/schema';
import { readLog, verifyAuditLog, withAudit } from '../../src/audit/service';
import { loadConfig } from '../../src/config';
import { type Ctx, contextOf } from '../../src/context';
import { AppError } from '../../src/lib/errors';
import { DbBlobStore } from '../../src/storage/db-blobs';
import { openLibsql } from '../../src/storage/libsql';

let dir: string;
let ctx: Ctx;
let close: () => void;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portal-audit-'));
  const opened = await openLibsql(`file:${join(dir, 'portal.db')}`);
  close = opened.close;
  const config = loadConfig({ PORTAL_ENV: 'test', DATA_DIR: dir });
  ctx = contextOf(opened, {
    blobs: new DbBlobStore(opened.db),
    config,
    now: () => new Date(),
  });
});

afterAll(async () => {
  close();
  await rm(dir, { recursive: true, force: true });
});

/** `ctx` whose next `batch` calls first let `rival` append, so each of them loses the race. */
function losingRaces(rival: () => Promise<void>, times: number): Ctx {
  let left = times;
  const db = new Proxy(ctx.db, {
    get(target, prop, receiver) {
      if (prop !== 'batch') return Reflect.get(target, prop, receiver);
      return async (items: Parameters<Ctx['db']['batch']>[0]) => {
        if (left-- > 0) await rival();
        return target.batch(items);
      };
    },
  });
  return { ...ctx, db };
}

const unitRow = (id: string) =>
  ctx.db.insert(units).values({ id, name: id, nameZh: id, level: 'basic', parentId: null });

describe('withAudit', () => {
  it('retries a lost race on the new head and applies the change once', async () => {
    const rival = () => withAudit(ctx, { actorId: null, action: 'unit.create', targetId: 'rival' });
    let built = 0;
    await withAudit(
      losingRaces(rival, 1),
      { actorId: null, action: 'unit.create', targetId: 'u-race' },
      () => {
        built++;
        return [unitRow('u-race')];
      },
    );
    expect(built).toBe(2);
    expect(await ctx.db.select().from(units).where(eq(units.id, 'u-race'))).toHaveLength(1);
    const entries = [];
    for await (const e of readLog(ctx)) entries.push(e);
    expect(entries.map((e) => [e.seq, e.targetId])).toEqual([
      [1, 'rival'],
      [2, 'u-race'],
    ]);
    expect((await verifyAuditLog(ctx)).ok).toBe(true);
  });

  it('gives up with "busy" when the head keeps moving, and writes nothing of its own', async () => {
    const rival = () => withAudit(ctx, { actorId: null, action: 'unit.create', targetId: 'rival' });
    const before = (await ctx.db.select().from(auditLog)).length;
    const err = await withAudit(
      losingRaces(rival, 100),
      { actorId: null, action: 'unit.create', targetId: 'u-lost' },
      () => [unitRow('u-lost')],
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unavailable');
    expect(await ctx.db.select().from(units).where(eq(units.id, 'u-lost'))).toHaveLength(0);
    const after = await ctx.db.select().from(auditLog);
    // Only the rivals' entries were added: one before each of the eight attempts.
    expect(after.length - before).toBe(8);
    expect(after.some((e) => e.targetId === 'u-lost')).toBe(false);
    expect((await verifyAuditLog(ctx)).ok).toBe(true);
  });

  it('does not retry an error that is not a lost race', async () => {
    let built = 0;
    const err = await withAudit(ctx, { actorId: null, action: 'unit.create' }, () => {
      built++;
      // A duplicate primary key in the change itself: not the audit chain's race.
      return [unitRow('u-race')];
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(AppError);
    expect(built).toBe(1);
  });
});
