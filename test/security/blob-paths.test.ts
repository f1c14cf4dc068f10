// Threat: path traversal or hostile file names in attachments. Names live inside the ciphertext;
// the bytes are stored only under a random ID the server made, inside the database.
import { readdir } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { downloadAttachment, openCase, submitReport } from '../../src/client/reporter';
import { DbBlobStore } from '../../src/storage/db-blobs';
import { demoUnit, sampleReport, useHarness } from '../helpers/harness';

const h = useHarness();

const HOSTILE = [
  '../../../etc/passwd',
  '..\\..\\boot.ini',
  'con.txt',
  'a\u0000b.pdf',
  '<img src=x onerror=alert(1)>.png',
  '报告 – 附件.docx',
  `${'x'.repeat(300)}.txt`,
];

describe('attachment names and paths', () => {
  it('keep hostile names inside the ciphertext and store files under random IDs only', async () => {
    const units = await h.units();
    const files = HOSTILE.map((name, i) => ({
      name,
      type: 'application/octet-stream',
      bytes: new Uint8Array([i, 1, 2, 3]),
    }));
    const { receipt } = await submitReport(h.fetcher, {
      units,
      unitId: demoUnit(units, 'basic').id,
      copyToParent: false,
      report: sampleReport('names'),
      files,
    });
    const session = await openCase(h.fetcher, receipt);
    const stored = session.view.messages[0]!.attachments;
    expect(stored).toHaveLength(HOSTILE.length);
    const names = await Promise.all(
      stored.map(async (a) => (await downloadAttachment(session, a.id)).meta.name),
    );
    expect(names.sort()).toEqual([...HOSTILE].sort());
    const keys = await h.ctx.db.all<{ id: string }>(
      sql`select distinct attachment_id as id from attachment_chunks`,
    );
    expect(keys.map((k) => k.id).sort()).toEqual(stored.map((a) => a.id).sort());
    for (const { id } of keys) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // No file is written per upload: the data folder holds the database and nothing else.
    expect((await readdir(h.dir)).filter((f) => !f.startsWith('portal.db'))).toEqual([]);
  });

  it('refuse any blob key that is not one of the server’s IDs', async () => {
    const store = new DbBlobStore(h.ctx.db);
    for (const key of ['../../x', '/etc/passwd', '..', 'AAAAAAAAAAAAAAAAAAAAA/', '']) {
      await expect(store.put(key, new Uint8Array(1))).rejects.toThrow(/invalid blob key/);
      await expect(store.get(key)).rejects.toThrow(/invalid blob key/);
    }
  });
});
