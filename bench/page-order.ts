// Measures what SQLite's page layout tells about the order in which rows were written, in
// WITHOUT ROWID tables keyed by random IDs, before and after a compaction (SECURITY.md, "At
// rest"). Run: npx tsx bench/page-order.ts [rows]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';

const ROWS = Number(process.argv[2] ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'page-order-'));
const file = join(dir, 'p.db');
const db = new Database(file);
db.exec('PRAGMA journal_mode = WAL; PRAGMA secure_delete = ON');
db.exec(`create table small (id text primary key not null, v text) without rowid;
  create table big (id text primary key not null, v text) without rowid`);

/** Rows in write order, each with a piece of its value that can be found in the file. */
const written = { small: [] as string[], big: [] as string[] };
const pieces = new Map<string, string>();
for (let i = 0; i < ROWS; i++) {
  // One transaction a row, as reports arrive.
  const small = randomBytes(16).toString('base64url');
  db.prepare('insert into small values (?, ?)').run(small, `S${small}${'x'.repeat(60)}`);
  written.small.push(small);
  pieces.set(small, `S${small}`);
  const big = randomBytes(16).toString('base64url');
  const value = randomBytes(1400).toString('base64'); // about 1.9 KB: spills to overflow pages
  db.prepare('insert into big values (?, ?)').run(big, value);
  written.big.push(big);
  pieces.set(big, value.slice(-200, -150));
}

/** Kendall's tau between the order of `ids` and the order of their byte offsets in the file. */
function tau(ids: string[]): number {
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const bytes = readFileSync(file);
  const at = ids.map((id) => bytes.indexOf(Buffer.from(pieces.get(id)!)));
  if (at.some((o) => o < 0)) throw new Error('a row was not found in the file');
  let score = 0;
  for (let i = 0; i < at.length; i++)
    for (let j = i + 1; j < at.length; j++) score += Math.sign(at[j]! - at[i]!);
  return score / ((at.length * (at.length - 1)) / 2);
}

const report = (label: string) =>
  console.log(
    `${label}: tau against write order, rows of ~100 B ${tau(written.small).toFixed(3)}, ` +
      `rows of ~1.9 KB ${tau(written.big).toFixed(3)}; against key order ` +
      `${tau([...written.small].sort()).toFixed(3)}, ${tau([...written.big].sort()).toFixed(3)}`,
  );

report(`${ROWS} rows each, after a checkpoint`);
db.exec('VACUUM');
report('after VACUUM');
db.close();
rmSync(dir, { recursive: true, force: true });
