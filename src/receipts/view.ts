// The reporter's view of their case: state, dated history, every message as ciphertext, the keys
// to write to, and who has opened it. It is the request a flood of look-ups hits, so SQLite
// builds the whole JSON answer in one statement: one round trip on D1 or Turso, no rows to map
// and no JSON to re-encode on the server, and the lookup hash is matched in the same read.
import { eq, type Placeholder, sql } from 'drizzle-orm';
import { reports } from '../../db/schema';
import { readingKeySql, recipientUnitsCte } from '../cases/reach';
import type { Ctx } from '../context';
import { sha256Hex } from '../crypto/encoding';
import { toDay } from '../lib/days';
import { directStatement, returnsBuffers } from '../storage/db';

/**
 * `unitKeys` lists the reading keys of the case's units (cases/reach.ts decides which) and the
 * keys that signed a reply of this case (a key revoked since stays, so its old replies verify),
 * saying which of them new messages and retaliation flags must be encrypted to and which verify
 * replies; the browser adds the reporter's own key. The units come in the order the server checks
 * recipients: the addressed unit (0), any copied unit (1), then for retaliation the unit above
 * (2), each unit's keys by fingerprint.
 */
type Param<T> = T | Placeholder<string>;

const VIEW_SQL = (lookupHash: Param<string>, now: Param<number>, asBytes: boolean) => sql`
WITH
  r AS (SELECT * FROM reports WHERE lookup_hash = ${lookupHash} LIMIT 1),
  ${recipientUnitsCte(now)},
  unit_keys AS (
    SELECT s.public_key, s.fingerprint, s.pseudonym, s.role, cu.ord, s.unit_id,
      ${readingKeySql(now)} AND s.id NOT IN
        (SELECT supervisor_id FROM case_exclusions WHERE report_id = (SELECT id FROM r)) AS active,
      s.id IN (SELECT supervisor_id FROM messages
               WHERE report_id = (SELECT id FROM r) AND kind = 'reply') AS signer
    FROM supervisors s JOIN case_units cu ON cu.unit_id = s.unit_id
  ),
  shown_keys AS (SELECT * FROM unit_keys WHERE active OR signer)
SELECT ${asBytes ? sql`CAST(` : sql``}(SELECT json_object(
  'lastSeenDay', r.last_seen_day,
  'unit', (SELECT json_object('id', id, 'name', name, 'nameZh', name_zh)
           FROM units WHERE id = r.unit_id),
  'copiedUnit', (SELECT json_object('id', id, 'name', name, 'nameZh', name_zh)
                 FROM units WHERE id = r.copied_unit_id),
  'parentUnit', (SELECT json_object('id', p.id, 'name', p.name, 'nameZh', p.name_zh)
                 FROM units u JOIN units p ON p.id = u.parent_id WHERE u.id = r.unit_id),
  'escalatedUnit', (SELECT json_object('id', id, 'name', name, 'nameZh', name_zh)
                    FROM units WHERE id = r.escalated_unit_id),
  'sharedUnitIds', (SELECT json_group_array(unit_id) FROM case_shares WHERE report_id = r.id),
  'state', r.state,
  'outcome', r.outcome,
  'receivedDay', r.received_day,
  'retaliationFlagged', json(CASE WHEN r.retaliation_flagged THEN 'true' ELSE 'false' END),
  'history', (SELECT json_group_array(
                json_object('state', state, 'outcome', outcome, 'day', day) ORDER BY position)
              FROM case_events WHERE report_id = r.id),
  'reporterPublicKey', r.reporter_public_key,
  'reporterLockedKey', r.reporter_locked_key,
  'unitKeys', (SELECT json_group_array(json_object(
                  'publicKey', public_key,
                  'fingerprint', fingerprint,
                  'pseudonym', pseudonym,
                  'unitId', unit_id,
                  'recovery', json(CASE WHEN role = 'recovery' THEN 'true' ELSE 'false' END),
                  'messages', json(CASE WHEN active AND ord < 2 THEN 'true' ELSE 'false' END),
                  'retaliation', json(CASE WHEN active THEN 'true' ELSE 'false' END),
                  'signer', json(CASE WHEN signer THEN 'true' ELSE 'false' END))
                ORDER BY ord, fingerprint)
              FROM shown_keys),
  'messages', (SELECT json_group_array(json_object(
                  'id', m.id,
                  'kind', m.kind,
                  'author', CASE m.kind WHEN 'reply' THEN 'unit' ELSE 'reporter' END,
                  'day', m.day,
                  'ciphertext', m.ciphertext,
                  -- Upload order within the message, so that the names sealed in it match.
                  -- Its count also feeds the "k of n files" mark: only pre-0012 messages need it.
                  'attachments', (SELECT json_group_array(
                                    json_object('id', a.id, 'size', a.size) ORDER BY a.position)
                                  FROM attachments a
                                  WHERE a.message_id = m.id AND a.report_id = m.report_id))
                ORDER BY m.position)
               FROM messages m WHERE m.report_id = r.id),
  -- Every opening, file download and export (SECURITY.md), by day, pseudonym and kind.
  'openings', (SELECT json_group_array(json_object('day', day, 'by', by, 'what', what)
                                       ORDER BY first_seq)
               FROM (SELECT date(a.at, 'unixepoch') AS day,
                            coalesce(s.pseudonym, 'operator') AS by,
                            CASE a.action WHEN 'case.open' THEN 'open'
                                          WHEN 'case.attachment_open' THEN 'download'
                                          ELSE 'export' END AS what,
                            min(a.seq) AS first_seq
                     FROM audit_log a LEFT JOIN supervisors s ON s.id = a.actor_id
                     WHERE a.report_id = r.id AND a.seq > 0
                       AND a.action IN ('case.open', 'case.attachment_open', 'case.export')
                     GROUP BY 1, 2, 3)),
  'retaliation', (SELECT json_group_array(json_object(
                     'id', f.id, 'messageId', f.message_id, 'state', f.state, 'day', f.day,
                     'dueBy', f.due_by) ORDER BY p.position)
                  FROM retaliation_flags f JOIN messages p ON p.id = f.message_id
                  WHERE f.report_id = r.id)
) FROM r)${asBytes ? sql` AS BLOB)` : sql``} AS view`;

/**
 * The case behind a lookup token, as the JSON the reporter's page reads (UTF-8 bytes where the
 * database can return them, sparing a string and its re-encoding); null if there is none. On
 * Node's embedded database the statement runs as prebuilt text on the reading connection
 * (`directStatement`), which halves its cost; D1 and Turso take it through drizzle.
 */
export async function reporterViewJson(
  ctx: Ctx,
  token: string,
): Promise<string | Uint8Array<ArrayBuffer> | null> {
  const now = Math.floor(ctx.now().getTime() / 1000);
  const lookupHash = await sha256Hex(token);
  const direct = directStatement(ctx.storage, 'reporter-view', () =>
    VIEW_SQL(sql.placeholder('lookupHash'), sql.placeholder('now'), true),
  );
  if (direct) return direct({ lookupHash, now });
  const asBytes = returnsBuffers(ctx.db);
  const row = await ctx.db.get<{ view: string | ArrayBuffer | null }>(
    VIEW_SQL(lookupHash, now, asBytes),
  );
  const view = row?.view ?? null;
  return view instanceof ArrayBuffer ? new Uint8Array(view) : view;
}

/**
 * The day of the reporter's previous look-up, read from the head of the view (the statement puts
 * it first) so that the answer need not be parsed.
 */
export function lastSeenDayOf(view: string | Uint8Array): string | null {
  const head =
    typeof view === 'string' ? view.slice(0, 40) : new TextDecoder().decode(view.subarray(0, 40));
  return /^\{"lastSeenDay":"(\d{4}-\d{2}-\d{2})"/.exec(head)?.[1] ?? null;
}

/**
 * Notes today as the reporter's last look-up, in the case itself and as a day only, so that the
 * next visit can mark replies as new. One write a case a day at most: later look-ups that day
 * already find it.
 */
export async function noteLookup(
  ctx: Ctx,
  token: string,
  view: string | Uint8Array,
): Promise<void> {
  const today = toDay(ctx.now());
  if (lastSeenDayOf(view) === today) return;
  await ctx.db
    .update(reports)
    .set({ lastSeenDay: today })
    .where(eq(reports.lookupHash, await sha256Hex(token)));
}
