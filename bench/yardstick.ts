// The yardsticks the portal's ingest and look-up are held to: a bare Hono + libSQL app on a copy
// of the portal's own seeded database (the same tables and indexes) that does the durable work a
// submission must do and reads what a look-up must read, with none of the checks the threat
// model asks for (no proof-of-work check, no key or ciphertext inspection, no recipients).
//  - POST /reports: one transaction writing the same rows with the same bytes as the portal's
//    ingest: the spent proof-of-work mark, the case, its first history entry and its message.
//  - GET /receipt: the case by its lookup hash, its history, its messages, its unit and the
//    unit's keys, as plain selects, answered as JSON.
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@libsql/client';
import { Hono } from 'hono';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const id = () => randomBytes(16).toString('base64url');
const day = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (d: Date, n: number) => day(new Date(d.getTime() + n * 86_400_000));

interface Submission {
  unitId: string;
  lookupToken: string;
  reporterPublicKey: string;
  reporterLockedKey: string;
  report: string;
}

function ingestStatements(body: Submission, challenge: string) {
  const now = new Date();
  const reportId = id();
  const received = day(now);
  const acknowledgeBy = plusDays(now, 7);
  return [
    {
      sql: 'INSERT INTO pow_spent (challenge_hash, expires_at) VALUES (?, ?)',
      args: [sha256(`${challenge}.${id()}`), Math.ceil(now.getTime() / 3_600_000) * 3600 + 3600],
    },
    {
      sql: `INSERT INTO reports (id, unit_id, copied_unit_id, lookup_hash, reporter_public_key,
              reporter_locked_key, reporter_key_ids, received_day, acknowledge_by, feedback_by,
              sort_key) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        reportId,
        body.unitId,
        sha256(body.lookupToken),
        body.reporterPublicKey,
        body.reporterLockedKey,
        // The portal keeps the reporter key's encryption key ids: two 16-hex-digit ids.
        JSON.stringify([randomBytes(8).toString('hex'), randomBytes(8).toString('hex')]),
        received,
        acknowledgeBy,
        plusDays(now, 91),
        `1|${acknowledgeBy}|${reportId}`,
      ],
    },
    {
      sql: "INSERT INTO case_events (id, report_id, position, state, day) VALUES (?, ?, 0, 'received', ?)",
      args: [id(), reportId, received],
    },
    {
      sql: "INSERT INTO messages (id, report_id, position, kind, ciphertext, day) VALUES (?, ?, 0, 'report', ?, ?)",
      args: [id(), reportId, body.report, received],
    },
  ];
}

export function createYardstickApp(client: Client) {
  return new Hono()
    .post('/reports', async (c) => {
      const body = (await c.req.json()) as Submission;
      if (typeof body.lookupToken !== 'string') return c.json({ error: 'bad body' }, 400);
      await client.batch(ingestStatements(body, c.req.header('x-pow-challenge') ?? ''), 'write');
      return c.json({ receivedDay: day(new Date()) }, 201);
    })
    .get('/receipt', async (c) => {
      const hash = sha256(c.req.header('x-lookup-token') ?? '');
      const found = await client.execute({
        sql: `SELECT id, unit_id, copied_unit_id, state, outcome, received_day, retaliation_flagged,
                reporter_public_key, reporter_locked_key, last_seen_day
              FROM reports WHERE lookup_hash = ? LIMIT 1`,
        args: [hash],
      });
      const report = found.rows[0];
      if (!report) return c.json({ error: 'not found' }, 404);
      const reportId = String(report.id);
      const unitId = String(report.unit_id);
      const [history, messages, unit, keys] = await client.batch(
        [
          {
            sql: 'SELECT state, outcome, day FROM case_events WHERE report_id = ? ORDER BY position',
            args: [reportId],
          },
          {
            sql: `SELECT id, kind, ciphertext, day FROM messages WHERE report_id = ?
                  ORDER BY position`,
            args: [reportId],
          },
          { sql: 'SELECT id, name, name_zh FROM units WHERE id = ?', args: [unitId] },
          {
            sql: `SELECT public_key, fingerprint, pseudonym, role FROM supervisors
                  WHERE unit_id = ? AND status = 'approved' ORDER BY fingerprint`,
            args: [unitId],
          },
        ],
        'read',
      );
      return c.json({
        report,
        history: history?.rows,
        messages: messages?.rows,
        unit: unit?.rows[0],
        unitKeys: keys?.rows,
      });
    });
}
