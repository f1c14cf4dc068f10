// Threat: a database dump plus the logs link a report to a person. No address, user agent or
// receipt is kept; reporter times are days; sizes are padded; IDs are random.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fetcher } from '../../src/client/api';
import { flagRetaliation, openCase, sendMessage, submitReport } from '../../src/client/reporter';
import { demoUnit, type Harness, makeHarness, sampleReport } from '../helpers/harness';

const AGENT = 'Mozilla/5.0 (Canary-Agent-93c1)';
const IP = '203.0.113.77';
let h: Harness;
let identifying: Fetcher;
let receipts: string[] = [];

beforeAll(async () => {
  h = await makeHarness();
  identifying = (path, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('user-agent', AGENT);
    headers.set('x-forwarded-for', IP);
    headers.set('x-real-ip', IP);
    headers.set('cf-connecting-ip', IP);
    return h.fetcher(path, { ...init, headers });
  };
  const units = await h.units();
  const unitId = demoUnit(units, 'basic').id;
  const short = await submitReport(identifying, {
    units,
    unitId,
    copyToParent: false,
    report: sampleReport('x'),
    files: [{ name: 'a', type: 'text/plain', bytes: new Uint8Array(1) }],
  });
  const long = await submitReport(identifying, {
    units,
    unitId,
    copyToParent: false,
    report: sampleReport('y'.repeat(700)),
    files: [{ name: 'b', type: 'text/plain', bytes: new Uint8Array(700) }],
  });
  receipts = [short.receipt, long.receipt];
  const s = await openCase(identifying, short.receipt);
  await sendMessage(s, 'more');
  await flagRetaliation(s, { kind: 'other', startedOn: '2026-11-01', details: 'z' });
});
afterAll(() => h.close());

async function everyStoredByte(): Promise<Buffer> {
  const walk = async (dir: string): Promise<Buffer[]> => {
    const out: Buffer[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      out.push(...(e.isDirectory() ? await walk(p) : [await readFile(p)]));
    }
    return out;
  };
  return Buffer.concat(await walk(h.dir));
}

describe('metadata', () => {
  it('keeps no IP address, user agent or receipt in the database, blobs or logs', async () => {
    const stored = await everyStoredByte();
    for (const needle of [AGENT, IP, 'Canary-Agent', ...receipts]) {
      expect(stored.includes(Buffer.from(needle))).toBe(false);
      expect(h.logs.join('\n')).not.toContain(needle);
    }
  });

  it('keeps times of reporter actions as days only', async () => {
    const tables = ['reports', 'messages', 'case_events', 'attachments', 'retaliation_flags'];
    for (const table of tables) {
      const rows = await h.ctx.db.all<Record<string, unknown>>(sql.raw(`select * from ${table}`));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (/day|_by$/.test(column) && value !== null)
            expect(value, `${table}.${column}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          // No instant hides in any other column either.
          if (typeof value === 'number')
            expect(value, `${table}.${column}`).toBeLessThan(1_000_000_000);
        }
      }
    }
  });

  it('pads ciphertext so different lengths of text and files look alike', async () => {
    const messages = await h.ctx.db.all<{ n: number }>(
      sql.raw(`select length(ciphertext) as n from messages where kind = 'report'`),
    );
    expect(messages).toHaveLength(2);
    expect(Math.abs(messages[0]!.n - messages[1]!.n)).toBeLessThan(64);
    const files = await h.ctx.db.all<{ size: number }>(sql.raw('select size from attachments'));
    expect(Math.abs(files[0]!.size - files[1]!.size)).toBeLessThan(64);
  });

  it('uses random, non-sequential IDs everywhere', async () => {
    const ids: string[] = [];
    for (const table of [
      'reports',
      'messages',
      'case_events',
      'attachments',
      'retaliation_flags',
      'units',
      'supervisors',
    ]) {
      const rows = await h.ctx.db.all<{ id: string }>(sql.raw(`select id from ${table}`));
      ids.push(...rows.map((r) => r.id));
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const sorted = [...ids].sort();
    const prefixes = new Set(sorted.map((id) => id.slice(0, 2)));
    expect(prefixes.size).toBeGreaterThan(ids.length / 2);
  });
});

describe('identifiers', () => {
  it('never start with a character a command line would take for an option', async () => {
    const { newId } = await import('../../src/lib/ids');
    for (let i = 0; i < 5000; i++) expect(newId()).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
  });
});
