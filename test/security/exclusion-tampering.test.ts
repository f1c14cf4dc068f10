// A reporter's exclusion is logged only as a commitment (src/audit/exclusion.ts); someone with
// write access who removes or adds exclusion rows, to let an excluded supervisor read the case or
// to keep another out, is named by `audit verify`, which recomputes each case's commitment.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { caseExclusions } from '../../db/schema';
import { submitReport } from '../../src/client/reporter';
import { cli } from '../cli/run';
import { decideAsAdmin, demoUnit, enrolKey, sampleReport, useHarness } from '../helpers/harness';

const h = useHarness();
let copies = 0;

async function copy(...tamper: string[]): Promise<string> {
  await h.ctx.db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
  const file = join(h.dir, `exclusion-copy-${++copies}.db`);
  await copyFile(h.dbFile, file);
  const client = createClient({ url: `file:${file}` });
  for (const statement of tamper) await client.execute(statement);
  client.close();
  return file;
}

const verify = (file: string) => cli(['audit', 'verify', '--db', file]);

it('names exclusion rows removed or added behind the log', async () => {
  const basicId = demoUnit(await h.units(), 'basic').id;
  const second = await enrolKey(h, basicId, 'Second Basic Supervisor');
  await decideAsAdmin(h, second.id, 'approve');
  const units = await h.units();
  const keys = demoUnit(units, 'basic').keys.filter((k) => k.role === 'supervisor');
  const kept = keys.find((k) => k.id === second.id)!;
  const excluded = keys.find((k) => k.id !== second.id)!;
  await submitReport(h.fetcher, {
    units,
    unitId: basicId,
    copyToParent: false,
    report: sampleReport('About one of the unit’s own supervisors.'),
    files: [],
    exclude: [excluded.id],
  });
  const [row] = await h.ctx.db.select().from(caseExclusions);
  expect(row?.supervisorId).toBe(excluded.id);

  const clean = await verify(await copy());
  expect(clean.stdout).not.toContain('exclusions:');

  const removed = await verify(await copy(`DELETE FROM case_exclusions`));
  expect(removed.code).not.toBe(0);
  expect(removed.stdout + removed.stderr).toMatch(/exclusions: case_exclusions: .*matches no case/);

  const added = await verify(
    await copy(
      `INSERT INTO case_exclusions (report_id, supervisor_id) VALUES ('${row!.reportId}', '${kept.id}')`,
    ),
  );
  expect(added.code).not.toBe(0);
  expect(added.stdout + added.stderr).toContain(`exclusions: case_exclusions/${row!.reportId}`);
});
