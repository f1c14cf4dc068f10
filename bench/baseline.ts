// The bare rows, kept as information: a bare Hono + libSQL app doing one insert of the same body,
// or one indexed select, with the portal's durability settings. They measure overhead only: the
// yardsticks the goals use are in yardstick.ts.
import { createHash, randomBytes } from 'node:crypto';
import { type Client, createClient } from '@libsql/client';
import { Hono } from 'hono';

/** Opens a database with the same durability PRAGMAs as `src/storage/libsql.ts`. */
export async function openDurable(url: string): Promise<Client> {
  const client = createClient({ url });
  await client.execute('PRAGMA busy_timeout = 5000');
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA synchronous = FULL');
  return client;
}

/** Opens the bare one-table database (the information-only rows). */
export async function openBaselineDb(url: string): Promise<Client> {
  const client = await openDurable(url);
  await client.execute(
    'CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, lookup_hash TEXT NOT NULL, body TEXT NOT NULL)',
  );
  await client.execute('CREATE UNIQUE INDEX IF NOT EXISTS items_lookup ON items (lookup_hash)');
  return client;
}

export const lookupHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Fills the select table: `rows` rows with bodies of the given size, plus the known tokens. */
export async function seedBaseline(client: Client, rows: number, body: string, tokens: string[]) {
  await client.execute({
    sql: `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
          INSERT INTO items SELECT lower(hex(randomblob(16))), lower(hex(randomblob(32))), ? FROM n`,
    args: [Math.max(0, rows - tokens.length), body],
  });
  await client.batch(
    tokens.map((t) => ({
      sql: 'INSERT INTO items VALUES (?, ?, ?)',
      args: [randomBytes(16).toString('hex'), lookupHash(t), body],
    })),
    'write',
  );
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
}

export function createBaselineApp(client: Client) {
  return new Hono()
    .post('/items', async (c) => {
      const text = await c.req.text();
      const parsed = JSON.parse(text) as { lookupToken?: unknown };
      if (typeof parsed.lookupToken !== 'string') return c.json({ error: 'bad body' }, 400);
      const id = randomBytes(16).toString('base64url');
      await client.execute({
        sql: 'INSERT INTO items VALUES (?, ?, ?)',
        args: [id, lookupHash(parsed.lookupToken), text],
      });
      return c.json({ id }, 201);
    })
    .get('/items', async (c) => {
      const token = c.req.header('x-lookup-token') ?? '';
      const result = await client.execute({
        sql: 'SELECT id, body FROM items WHERE lookup_hash = ? LIMIT 1',
        args: [lookupHash(token)],
      });
      const row = result.rows[0];
      if (!row) return c.json({ error: 'not found' }, 404);
      return c.json({ id: row.id, body: row.body });
    });
}
