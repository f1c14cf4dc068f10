// `bootstrap sql`: the first unit and administrator as SQL for a database the CLI cannot open
// (D1). Applied to a fresh migrated database, the audit chain verifies and the admin can sign in.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import * as openpgp from 'openpgp';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { verifyAuditLog } from '../../src/audit/service';
import { bootstrapSql } from '../../src/cli/bootstrap';
import { signIn } from '../../src/client/supervisor';
import { loadConfig } from '../../src/config';
import { contextOf } from '../../src/context';
import { DbBlobStore } from '../../src/storage/db-blobs';
import { openLibsql } from '../../src/storage/libsql';
import { withCookies } from '../helpers/harness';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('bootstrap sql', () => {
  it('starts a verifiable audit chain and an administrator who can sign in', async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'First admin' }],
      format: 'object',
    });
    const text = await bootstrapSql({
      unit: {
        name: 'Provincial Procuratorate — Supervision Office',
        nameZh: '省人民检察院督察处',
        level: 'provincial',
        parentId: null,
      },
      admin: { displayName: 'First admin', publicKey: publicKey.armor() },
    });
    expect(text).toMatch(/INSERT INTO units/);
    expect(text).toMatch(/INSERT INTO audit_log/);

    const dir = await mkdtemp(join(tmpdir(), 'portal-boot-'));
    dirs.push(dir);
    const url = `file:${join(dir, 'portal.db')}`;
    // Migrated, empty: as after `wrangler d1 migrations apply`.
    const storage = await openLibsql(url);
    const { db, close } = storage;
    const raw = createClient({ url });
    await raw.executeMultiple(text);
    raw.close();
    const ctx = contextOf(storage, {
      blobs: new DbBlobStore(db),
      config: loadConfig({ PORTAL_ENV: 'production', PUBLIC_ORIGIN: 'http://localhost' }),
      now: () => new Date(),
    });
    try {
      const check = await verifyAuditLog(ctx);
      expect(check).toMatchObject({ ok: true, entries: 2 });
      const app = createApp(() => ctx);
      const session = await signIn(
        withCookies((p, i) => app.request(p, i)),
        privateKey,
      );
      expect(session.supervisor).toMatchObject({ role: 'admin', displayName: 'First admin' });
    } finally {
      close();
    }
  });
});
