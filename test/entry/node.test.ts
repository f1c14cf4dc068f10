// The Node entry as `npm start` runs it: a real HTTP server on loopback with a libSQL file
// database in WAL mode, demo setup on first start, and refusal of demo data in production.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { startNodeServer } from '../../src/entry/node';
import { StartupRefused } from '../../src/entry/node-setup';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function env(extra: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'portal-node-'));
  dirs.push(dir);
  return {
    dir,
    env: {
      DATA_DIR: dir,
      DATABASE_URL: `file:${join(dir, 'portal.db')}`,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      ...extra,
    },
  };
}

describe('node entry', () => {
  it('serves the API and pages, seeds the demo hierarchy once, and uses WAL with full sync', async () => {
    const { dir, env: e } = await env();
    const lines: string[] = [];
    const started = await startNodeServer(e, (l) => lines.push(l));
    try {
      const base = `http://127.0.0.1:${e.PORT}`;
      const units = (await (await fetch(`${base}/api/units`)).json()) as {
        units: { isDemo: boolean; parentId: string | null; keys: { fingerprint: string }[] }[];
      };
      expect(units.units).toHaveLength(3);
      expect(units.units.every((u) => u.isDemo && u.keys.length === 1)).toBe(true); // admin and auditor keys read nothing
      expect(units.units.filter((u) => u.parentId === null)).toHaveLength(1);
      const page = await fetch(`${base}/report`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect((await fetch(`${base}/`)).status).toBe(200);
      const demoFiles = await readdir(join(dir, 'demo'));
      expect(demoFiles).toContain('basic-supervisor.private.asc');
      expect(await readFile(join(dir, 'demo', 'basic-supervisor.private.asc'), 'utf8')).toContain(
        'BEGIN PGP PRIVATE KEY BLOCK',
      );
      // The demo README names every private key file it sits beside, each with its own role.
      const readme = await readFile(join(dir, 'demo', 'README.txt'), 'utf8');
      const privateFiles = demoFiles.filter((f) => f.endsWith('.private.asc'));
      expect(privateFiles.length).toBeGreaterThanOrEqual(5);
      for (const file of privateFiles) expect(readme).toContain(file);
      expect(readme).toMatch(/^admin\.private\.asc {2}\(administrator, /m);
      expect(readme).toMatch(/^auditor\.private\.asc {2}\(auditor, /m);
      expect(lines.join('\n')).toContain(join(dir, 'demo'));
      // The checks on what clients send have a thread of their own (src/entry/check-pool.ts).
      expect(lines.join('\n')).toMatch(/run on [1-4] thread\(s\) beside this one/);
      // Staff-side requests get a line each; reporters' are only counted, for a line a day.
      expect((await fetch(`${base}/api/auth/me`)).status).toBe(401);
      expect(lines.some((l) => l.startsWith('GET /api/auth/me 401'))).toBe(true);
      expect(lines.some((l) => l.includes('/api/units'))).toBe(false);
    } finally {
      await started.close();
    }
    const client = createClient({ url: e.DATABASE_URL });
    expect((await client.execute('PRAGMA journal_mode')).rows[0]?.[0]).toBe('wal');
    client.close();

    // A second start does not seed again.
    const again = await startNodeServer(e, () => undefined);
    try {
      const units = (await (await fetch(`http://127.0.0.1:${e.PORT}/api/units`)).json()) as {
        units: unknown[];
      };
      expect(units.units).toHaveLength(3);
    } finally {
      await again.close();
    }
  });

  it('in production refuses demo setup and explains how to create the first administrator', async () => {
    const { dir, env: e } = await env({
      PORTAL_ENV: 'production',
      PUBLIC_ORIGIN: 'https://portal.example',
    });
    const lines: string[] = [];
    const started = await startNodeServer(e, (l) => lines.push(l));
    try {
      const units = (await (await fetch(`http://127.0.0.1:${e.PORT}/api/units`)).json()) as {
        units: unknown[];
      };
      expect(units.units).toEqual([]);
      expect(lines.join('\n')).toMatch(/admin create/);
      await expect(readdir(join(dir, 'demo'))).rejects.toThrow();
    } finally {
      await started.close();
    }
  });

  it('in production refuses to start on a database holding demo data', async () => {
    const { env: e } = await env();
    const first = await startNodeServer(e, () => undefined);
    await first.close();
    await expect(
      startNodeServer(
        { ...e, PORTAL_ENV: 'production', PUBLIC_ORIGIN: 'https://portal.example' },
        () => undefined,
      ),
    ).rejects.toBeInstanceOf(StartupRefused);
  });

  it('in production refuses to start without PUBLIC_ORIGIN, and says why', async () => {
    const { env: e } = await env({ PORTAL_ENV: 'production' });
    await expect(startNodeServer(e, () => undefined)).rejects.toThrow(
      /PUBLIC_ORIGIN: is required in production\. Sign-in challenges name the site's origin/,
    );
  });

  it('refuses bad configuration with a clear message', async () => {
    await expect(startNodeServer({ PORT: 'eighty' }, () => undefined)).rejects.toThrow(/PORT/);
  });
});
