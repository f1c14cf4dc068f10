// No plaintext reaches the server: a canary typed by the reporter must not appear in any request
// body, in the database files (with WAL and shared memory), in stored blobs, or in the logs.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Fetcher } from '../../src/client/api';
import { flagRetaliation, openCase, sendMessage, submitReport } from '../../src/client/reporter';
import { demoUnit, sampleReport, useHarness } from '../helpers/harness';

const CANARY = 'CANARY-7f3a91-do-not-store';
const CANARY_ZH = '金丝雀测试字符串';

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await allFiles(path)));
    else out.push(path);
  }
  return out;
}

function bodyText(body: RequestInit['body']): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array)
    return Buffer.from(body).toString('latin1') + Buffer.from(body).toString('utf8');
  return String(body ?? '');
}

const h = useHarness();

describe('canary', () => {
  it('never appears in request bodies, the database, blobs or logs', async () => {
    const bodies: string[] = [];
    const output: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((m) =>
      vi
        .spyOn(console, m)
        .mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' '))),
    );
    const recording: Fetcher = (path, init) => {
      bodies.push(path + bodyText(init?.body) + JSON.stringify(init?.headers ?? {}));
      return h.fetcher(path, init);
    };
    const units = await h.units();
    const file = {
      name: `${CANARY}.txt`,
      type: 'text/plain',
      bytes: new TextEncoder().encode(`${CANARY} ${CANARY_ZH}`),
    };
    const { receipt } = await submitReport(recording, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: true,
      report: {
        ...sampleReport(`${CANARY} ${CANARY_ZH}`),
        who: CANARY,
        where: CANARY,
        howKnown: CANARY,
        when: CANARY,
      },
      files: [file],
    });
    const session = await openCase(recording, receipt);
    await sendMessage(session, `${CANARY} follow-up`, [file]);
    await flagRetaliation(
      session,
      { kind: 'other', startedOn: '2026-11-01', details: `${CANARY} ${CANARY_ZH}` },
      [file],
    );
    for (const s of spies) s.mockRestore();

    expect(bodies.length).toBeGreaterThan(6);
    for (const body of bodies) {
      expect(body).not.toContain(CANARY);
      expect(body).not.toContain(CANARY_ZH);
      expect(body).not.toContain(receipt);
    }
    const needles = [CANARY, CANARY_ZH, receipt].map((s) => Buffer.from(s, 'utf8'));
    const files = await allFiles(h.dir);
    expect(files.some((f) => f.endsWith('portal.db'))).toBe(true);
    // Attachments live inside the database: no file is written per upload.
    expect(files.filter((f) => f.includes('blobs'))).toEqual([]);
    // Positive control: the scan does find plaintext the server is allowed to hold.
    const everything = Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
    expect(everything.includes(Buffer.from('DEMO District Basic Court'))).toBe(true);
    for (const f of files) {
      const bytes = await readFile(f);
      for (const needle of needles)
        expect(bytes.includes(needle), `${needle} found in ${f}`).toBe(false);
    }
    for (const line of [...h.logs, ...output]) {
      expect(line).not.toContain(CANARY);
      expect(line).not.toContain(receipt);
    }
  });
});
