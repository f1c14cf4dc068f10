// A case's ciphertext packaged for offline decryption with GnuPG: messages as armored text,
// attachments as binary OpenPGP, a manifest of metadata only. Audited before anything is written.
// Files go to a sink one at a time, so the CLI and a future HTTP export share it and a file of any
// size passes through holding one chunk.
import { eq } from 'drizzle-orm';
import { reports } from '../../db/schema';
import { withAudit } from '../audit/service';
import { OPERATOR_ACTOR_ID } from '../auth/actor';
import type { Ctx } from '../context';
import { utf8 } from '../crypto/encoding';
import { grantedPieces } from '../grants/packets';
import { caseNotFound, signerKeys } from './reach';
import { caseRecords } from './records';

export interface ExportFile {
  /** Relative path inside the export folder, always with `/` separators. */
  path: string;
  kind: 'message' | 'attachment' | 'key' | 'manifest' | 'readme';
  bytes: Uint8Array;
}

export interface ExportManifest {
  format: 'whistle-portal-case-export/v1';
  caseId: string;
  unitId: string;
  copiedUnitId: string | null;
  state: string;
  outcome: string | null;
  receivedDay: string;
  history: { state: string; outcome: string | null; day: string }[];
  messages: {
    id: string;
    file: string;
    position: number;
    kind: string;
    day: string;
    size: number;
  }[];
  attachments: { file: string; message: string; day: string; size: number; missing: boolean }[];
  keys: { file: string; role: 'reporter' | 'supervisor'; fingerprint: string | null }[];
}

/** Where an export's files go, one at a time and in order (e.g. written to disk). */
export type ExportSink = (file: ExportFile) => Promise<void>;

export interface CaseExport {
  manifest: ExportManifest;
  /** Attachment IDs whose bytes the blob store no longer has. */
  missing: string[];
}

export const README = `Encrypted export of one whistleblowing case
===========================================

Every file here is ciphertext; nothing in this folder is readable without a private key
of a supervisor of the unit the case was addressed (or copied) to.

  NN-KIND.asc              one message each (report, message, retaliation, reply), in order
  attachments/ID.gpg       one attached file each (binary OpenPGP)
  attachments/ID/NNNNN.gpg a large file sent in chunks: one OpenPGP message a chunk, in order
  keys/*.asc               public keys to verify signatures: the reporter's and the keys
                           that signed the case's replies
  manifest.json            metadata only: states, days, sizes; no content

Decrypt with GnuPG (2.2 or later) on an offline machine holding your private key:

  gpg --import keys/*.asc               # lets gpg check the signatures; without it gpg
                                        # still decrypts but exits with status 2
  gpg --decrypt 0-report.asc > 0-report.padded
  gpg --decrypt attachments/ID.gpg > ID.padded
  for f in attachments/ID/*.gpg; do gpg --decrypt "$f" || break; done > ID.padded
                                        # a chunked file: the chunks' plaintexts, joined in
                                        # order, are the padded file (check each signature:
                                        # its notation chunk@... names the file tag and n.count)

The decrypted bytes are PADDED so that a ciphertext's size says little about its content:
  bytes 0-3   big-endian length L of the real plaintext
  bytes 4..   the L bytes of plaintext, then zero bytes up to the padding size
A message's plaintext is JSON (UTF-8). An attachment's plaintext is itself:
  4-byte big-endian length H, H bytes of JSON header {"name","type","size"}, then the file.

Easier: the portal's command line does all of this locally and checks signatures:
  npm run portal -- case decrypt THIS-FOLDER --key your-private-key.asc
`;

async function loadCase(ctx: Ctx, reportId: string) {
  const [report] = await ctx.db.select().from(reports).where(eq(reports.id, reportId)).limit(1);
  if (!report) throw caseNotFound();
  const [{ history, messages: msgs, attachments: files }, signers] = await Promise.all([
    caseRecords(ctx, reportId),
    signerKeys(ctx, reportId),
  ]);
  return { report, history, msgs, files, signers };
}

type Loaded = Awaited<ReturnType<typeof loadCase>>;

/**
 * One stored file's messages with their granted packets, to the sink: `attachments/ID.gpg` when it
 * is one message, else one file a chunk, numbered in order, in `attachments/ID/` (GnuPG decrypts
 * one message a file). The first message is held until the second shows which; then one at a time.
 * Returns the folder or file name and the bytes written, or null if the bytes are gone.
 */
async function attachmentFiles(ctx: Ctx, reportId: string, id: string, sink: ExportSink) {
  const folder = `attachments/${id}/`;
  const chunkPath = (i: number) => `${folder}${String(i).padStart(5, '0')}.gpg`;
  let held: Uint8Array | null = null;
  let count = 0;
  let size = 0;
  const found = await grantedPieces(ctx, reportId, id, async (bytes) => {
    size += bytes.length;
    count += 1;
    if (count === 1) {
      held = bytes;
      return;
    }
    if (held) {
      await sink({ path: chunkPath(0), kind: 'attachment', bytes: held });
      held = null;
    }
    await sink({ path: chunkPath(count - 1), kind: 'attachment', bytes });
  });
  if (!found) return null;
  const file = count > 1 ? folder : `attachments/${id}.gpg`;
  if (held) await sink({ path: file, kind: 'attachment', bytes: held });
  return { file, size };
}

/** Messages in order, then attachments from the blob store (noting any whose bytes are gone). */
async function cipherFiles(ctx: Ctx, { msgs, files }: Loaded, sink: ExportSink) {
  const messageFile = new Map<string, string>();
  const manifestMessages: ExportManifest['messages'] = [];
  for (const m of msgs) {
    const file = `${m.position}-${m.kind}.asc`;
    const bytes = utf8(m.ciphertext);
    messageFile.set(m.id, file);
    await sink({ path: file, kind: 'message', bytes });
    manifestMessages.push({
      id: m.id,
      file,
      position: m.position,
      kind: m.kind,
      day: m.day,
      size: bytes.length,
    });
  }
  const missing: string[] = [];
  const manifestAttachments: ExportManifest['attachments'] = [];
  for (const a of files) {
    const written = await attachmentFiles(ctx, a.reportId, a.id, sink);
    if (!written) missing.push(a.id);
    manifestAttachments.push({
      file: written?.file ?? `attachments/${a.id}.gpg`,
      message: messageFile.get(a.messageId) ?? '',
      day: a.day,
      size: written?.size ?? a.size,
      missing: !written,
    });
  }
  return { manifestMessages, manifestAttachments, missing };
}

/** The public keys that verify signatures: the reporter's, and those that signed its replies. */
async function keyFiles({ report, signers }: Loaded, sink: ExportSink) {
  const keys: ExportManifest['keys'] = [
    { file: 'keys/reporter.asc', role: 'reporter', fingerprint: null },
  ];
  await sink({ path: 'keys/reporter.asc', kind: 'key', bytes: utf8(report.reporterPublicKey) });
  for (const s of signers) {
    const file = `keys/supervisor-${s.fingerprint}.asc`;
    keys.push({ file, role: 'supervisor', fingerprint: s.fingerprint });
    await sink({ path: file, kind: 'key', bytes: utf8(s.publicKey) });
  }
  return keys;
}

/**
 * Exports a case's ciphertext as the operator, each file to `sink` in turn; writes a `case.export`
 * audit entry first. The manifest and README come last.
 */
export async function exportCase(
  ctx: Ctx,
  reportId: string,
  sink: ExportSink,
): Promise<CaseExport> {
  const loaded = await loadCase(ctx, reportId);
  const { report, history } = loaded;
  await withAudit(ctx, {
    actorId: OPERATOR_ACTOR_ID,
    action: 'case.export',
    reportId,
    unitId: report.unitId,
    detail: { messages: loaded.msgs.length, attachments: loaded.files.length },
  });
  const { manifestMessages, manifestAttachments, missing } = await cipherFiles(ctx, loaded, sink);
  const manifest: ExportManifest = {
    format: 'whistle-portal-case-export/v1',
    caseId: report.id,
    unitId: report.unitId,
    copiedUnitId: report.copiedUnitId,
    state: report.state,
    outcome: report.outcome,
    receivedDay: report.receivedDay,
    history: history.map((h) => ({ state: h.state, outcome: h.outcome, day: h.day })),
    messages: manifestMessages,
    attachments: manifestAttachments,
    keys: await keyFiles(loaded, sink),
  };
  const json = `${JSON.stringify(manifest, null, 2)}\n`;
  await sink({ path: 'manifest.json', kind: 'manifest', bytes: utf8(json) });
  await sink({ path: 'README.txt', kind: 'readme', bytes: utf8(README) });
  return { manifest, missing };
}
