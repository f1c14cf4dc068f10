// Chunked files granted with an openpgp.js key file (`grant prepare --key`) and through a unit's
// recovery key, as docs/recovery.md tells it: a supervisor grants an older case to the new
// recovery key; once the only supervisor's key is lost, two share holders combine the key and
// grant every case to the next supervisor. Each grantee opens every chunk with its own key only.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantPackets, messages } from '../../db/schema';
import {
  approveAsAuditor,
  decideAsAdmin,
  demoUnit,
  enrolKey,
  type Harness,
  makeHarness,
  reportTo,
  signedIn,
} from '../helpers/harness';
import { decryptedFile, exportedChunks, threeChunkFile } from './chunked';
import { cli, cliOn } from './run';

let h: Harness;
let work: string;
let unitId: string;
const older = threeChunkFile('hand-over.mp4', 29);
const newer = threeChunkFile('meeting.mp4', 37);
const cases: { id: string; file: typeof older }[] = [];
let recoveryId: string;

/** A report with one chunked file to the basic unit; its case id. */
async function reportWith(file: typeof older, text: string) {
  const sent = await reportTo(h, 'basic', text, [file]);
  const [row] = await h.ctx.db
    .select({ id: messages.reportId })
    .from(messages)
    .where(eq(messages.id, sent.messageId));
  cases.push({ id: row!.id, file });
  return row!.id;
}

const grantsTo = (granteeId: string) =>
  h.ctx.db.select().from(grantPackets).where(eq(grantPackets.granteeId, granteeId));

beforeAll(async () => {
  h = await makeHarness();
  work = await mkdtemp(join(tmpdir(), 'portal-chunked-recovery-'));
  unitId = demoUnit(await h.units(), 'basic').id;
  const supervisor = h.demoKeys.find((k) => k.name === 'basic-supervisor');
  await writeFile(join(work, 'supervisor.asc'), supervisor!.privateKey);
  await reportWith(older, 'Filmed at the hand-over.');
  const made = await cli(
    ['recovery', 'create', '--shares', '3', '--threshold', '2'].concat([
      '--out',
      join(work, 'made'),
    ]),
  );
  expect(made.stderr).toBe('');
  const set = await cliOn(h, [
    'recovery',
    'set',
    unitId,
    '--key',
    join(work, 'made', 'recovery.public.asc'),
  ]);
  expect(set.stderr).toBe('');
  recoveryId = /\(id ([A-Za-z0-9_-]{22})\)/.exec(set.stdout)?.[1] ?? '';
  await approveAsAuditor(h, recoveryId);
}, 300_000);
afterAll(async () => {
  await h.close();
  await rm(work, { recursive: true, force: true });
});

describe('chunked files granted with a key file and through the recovery key', () => {
  it('a supervisor grants the older case to the recovery key with `grant prepare --key`', async () => {
    const [{ id }] = cases as [(typeof cases)[0]];
    // The combined recovery key cannot open the file before the grant.
    const two = join(work, 'two');
    await mkdir(two);
    for (const f of ['share-1-of-3.txt', 'share-3-of-3.txt'])
      await copyFile(join(work, 'made', f), join(two, f));
    const combined = await cli(['recovery', 'combine', two, '--out', join(work, 'recovery.asc')]);
    expect(combined.stderr).toBe('');
    await cliOn(h, ['case', 'export', id, '--out', join(work, 'before')]);
    const refused = await cli([
      'case',
      'decrypt',
      join(work, 'before'),
      '--key',
      join(work, 'recovery.asc'),
      '--out',
      join(work, 'before-plain'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not among the case’s recipients/);

    // docs/recovery.md, making the key, step 7 from the command line.
    expect(
      (await cliOn(h, ['case', 'export-unit', unitId, '--out', join(work, 'unit')])).code,
    ).toBe(0);
    const prepared = await cli(
      [
        'grant',
        'prepare',
        join(work, 'unit'),
        '--key',
        join(work, 'supervisor.asc'),
        '--to',
        join(work, 'made', 'recovery.public.asc'),
        '--out',
        join(work, 'to-recovery.json'),
      ],
      { PORTAL_KEY_PASSPHRASE: h.passphrase },
    );
    expect(prepared.stderr).toBe('');
    // The report and the file: one session key each, however many chunks the file has.
    expect(prepared.stdout).toMatch(/prepared 2 session keys in 1 case/);
    const applied = await cliOn(h, ['grant', 'apply', join(work, 'to-recovery.json')]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toMatch(/2 item\(s\) granted/);
    expect(await grantsTo(recoveryId)).toHaveLength(2);

    // Exported again, each chunk carries the granted packet: the recovery key alone opens them.
    await cliOn(h, ['case', 'export', id, '--out', join(work, 'after')]);
    expect(await exportedChunks(join(work, 'after'))).toHaveLength(3);
    const got = await decryptedFile(
      join(work, 'after'),
      join(work, 'recovery.asc'),
      join(work, 'after-plain'),
      older.name,
    );
    expect(Buffer.compare(got, Buffer.from(older.bytes))).toBe(0);
  }, 300_000);

  it('after the only key is lost, the recovery key grants both cases to the next supervisor', async () => {
    // This one is sealed to the recovery key from the start; the older one reaches it by a grant.
    await reportWith(newer, 'The meeting, recorded.');
    const s1 = await signedIn(h, 'basic-supervisor');
    await decideAsAdmin(h, s1.supervisor.id, 'revoke');
    const next = await enrolKey(h, unitId, 'Next supervisor');
    await decideAsAdmin(h, next.id, 'approve');
    await writeFile(join(work, 'next.pub.asc'), next.publicKey);
    await writeFile(join(work, 'next.asc'), next.key.armor());

    expect(
      (await cliOn(h, ['case', 'export-unit', unitId, '--out', join(work, 'lost')])).code,
    ).toBe(0);
    const prepared = await cli([
      'grant',
      'prepare',
      join(work, 'lost'),
      '--key',
      join(work, 'recovery.asc'),
      '--to',
      join(work, 'next.pub.asc'),
      '--out',
      join(work, 'to-next.json'),
    ]);
    expect(prepared.stderr).toBe('');
    expect(prepared.stdout).toMatch(/prepared 4 session keys in 2 case/);
    const applied = await cliOn(h, ['grant', 'apply', join(work, 'to-next.json')]);
    expect(applied.stderr).toBe('');
    expect(await grantsTo(next.id)).toHaveLength(4);

    for (const [i, c] of cases.entries()) {
      const dir = join(work, `next-${i}`);
      await cliOn(h, ['case', 'export', c.id, '--out', dir]);
      expect(await exportedChunks(dir)).toHaveLength(3);
      const got = await decryptedFile(
        dir,
        join(work, 'next.asc'),
        join(work, `plain-${i}`),
        c.file.name,
      );
      expect(Buffer.compare(got, Buffer.from(c.file.bytes))).toBe(0);
    }
  }, 300_000);
});
