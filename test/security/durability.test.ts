// Threat: losing an acknowledged report. Reports are submitted under load to a real Node server,
// which is killed with SIGKILL mid-stream; after a restart every report that got a 201 is there,
// byte for byte.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import type { UnitView } from '../../src/client/types';
import {
  deriveReceiptSecrets,
  generateReceipt,
  generateReporterKey,
  sealJson,
  sha256Hex,
  unlockPrivateKey,
} from '../../src/crypto';

const ROOT = new URL('../..', import.meta.url).pathname;
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function start(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/entry/node.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORTAL_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/api/units`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

describe('durability', () => {
  it('keeps every acknowledged report across a SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portal-kill-'));
    dirs.push(dir);
    const env = {
      DATA_DIR: dir,
      DATABASE_URL: `file:${join(dir, 'portal.db')}`,
      PORT: String(await freePort()),
      POW_SUBMIT_DIFFICULTY: '0',
      POW_LOOKUP_DIFFICULTY: '0',
      POW_LOAD_SUBMIT_PER_MINUTE: '1000000',
    };
    const base = `http://127.0.0.1:${env.PORT}`;
    let server = await start(env);

    const { units } = (await (await fetch(`${base}/api/units`)).json()) as { units: UnitView[] };
    const unit = units.find((u) => u.level === 'basic')!;
    const { keyPassphrase } = await deriveReceiptSecrets(generateReceipt());
    const keys = await generateReporterKey(keyPassphrase);
    const signingKey = await unlockPrivateKey(keys.lockedKey, keyPassphrase);
    const report = await sealJson(
      { v: 1, type: 'report', whatHappened: 'durable' },
      { recipients: [...unit.keys.map((k) => k.publicKey), keys.publicKey], signingKey },
    );

    const acknowledged: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const pow = (await (await fetch(`${base}/api/pow?purpose=submit`)).json()) as {
            challenge: string;
          };
          const lookupToken = (await deriveReceiptSecrets(generateReceipt())).lookupToken;
          const res = await fetch(`${base}/api/reports`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-pow-challenge': pow.challenge,
              'x-pow-nonce': '0',
            },
            body: JSON.stringify({
              unitId: unit.id,
              copyToParent: false,
              lookupToken,
              reporterPublicKey: keys.publicKey,
              reporterLockedKey: keys.lockedKey,
              report,
            }),
          });
          if (res.status === 201) acknowledged.push(lookupToken);
        } catch {
          // the server died under us: whatever had no 201 was never promised
        }
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    while (acknowledged.length < 30) await new Promise((r) => setTimeout(r, 20));
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(30);

    server = await start(env);
    const db = createClient({ url: env.DATABASE_URL });
    try {
      expect((await db.execute('PRAGMA integrity_check')).rows[0]?.[0]).toBe('ok');
      for (const token of acknowledged) {
        const hash = await sha256Hex(token);
        const row = await db.execute({
          sql: 'select m.ciphertext from reports r join messages m on m.report_id = r.id where r.lookup_hash = ? and m.kind = ?',
          args: [hash, 'report'],
        });
        expect(row.rows[0]?.[0], `report ${hash.slice(0, 8)} lost`).toBe(report);
      }
      // And the restarted server serves them to their reporters.
      const pow = (await (await fetch(`${base}/api/pow?purpose=lookup`)).json()) as {
        challenge: string;
      };
      const res = await fetch(`${base}/api/receipt`, {
        headers: {
          'x-lookup-token': acknowledged[0]!,
          'x-pow-challenge': pow.challenge,
          'x-pow-nonce': '0',
        },
      });
      expect(res.status).toBe(200);
    } finally {
      db.close();
      server.kill('SIGKILL');
    }
  }, 120_000);
});
