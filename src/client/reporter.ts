// The reporter's whole journey as plain functions over the API: submit, come back with the
// receipt, read, write, flag retaliation. The browser pages and the tests run this same code.

import type { PrivateKey } from 'openpgp';
import * as openpgp from 'openpgp';
import type { ShareOffer, ShareResponse } from '../contract/grants';
import { LOOKUP_TOKEN_HEADER } from '../contract/headers';
import { reportRecipientKeys } from '../contract/reach';
import type { FlagResponse, MessageResponse } from '../contract/receipt';
import type { CreateReportResponse } from '../contract/reports';
import type { DraftToResume, PendingMessages } from '../contract/uploads';
import {
  chunkLayout,
  chunkPlaintext,
  deriveReceiptSecrets,
  FileKeys,
  fromBase64Url,
  generateReceipt,
  generateReporterKey,
  openJson,
  parseReceipt,
  rewrapSessionKey,
  sealJson,
  toBase64Url,
  unlockPrivateKey,
} from '../crypto';
import { ApiError, callApi, type Fetcher, jsonInit } from './api';
import { downloadWhole } from './downloads';
import { type ReadStatus, readSigned } from './opened';
import { type PowPurpose, type PowSolution, powHeaders, proofOfWork } from './pow';
import type {
  CaseView,
  CaseViewBody,
  Content,
  FileInput,
  FileNote,
  MessageContent,
  ReportContent,
  RetaliationContent,
  UnitView,
} from './types';
import { type ChunkRequest, type FileSource, sendFile, type Uploader } from './uploads';

export type Progress = (step: {
  stage: 'pow' | 'keys' | 'encrypt' | 'upload' | 'done';
  current?: number;
  total?: number;
  /** Bytes of the current file sent so far, and its size. */
  sent?: number;
  size?: number;
}) => void;

/** Solves a challenge, reporting tries on `progress` so a page can show the puzzle moving. */
const paidWith = (fetcher: Fetcher, purpose: PowPurpose, progress?: Progress) =>
  proofOfWork(fetcher, purpose, (tries) => progress?.({ stage: 'pow', current: tries }));

/** Keys a report must be encrypted to (the reporter's own is added): the rule is the server's. */
export function reportRecipients(
  units: UnitView[],
  unitId: string,
  copyToParent: boolean,
  exclude: string[] = [],
): string[] {
  return reportRecipientKeys(units, unitId, copyToParent, exclude);
}

export interface Session {
  fetcher: Fetcher;
  lookupToken: string;
  key: PrivateKey;
  view: CaseView;
}

const tokenHeaders = (token: string) => ({ [LOOKUP_TOKEN_HEADER]: token });

/**
 * Seals chunk `chunk.n` of `file` to `recipients`, signed by the reporter's key, with the file's
 * one session key (made by its first chunk, recovered after a reload from the packets and data
 * packet header the server kept of the first chunk).
 * Wherever sealing runs (a Web Worker, or the page) keeps one `FileKeys`.
 */
export async function sealChunkOf(
  keys: FileKeys,
  file: FileSource,
  chunk: ChunkRequest,
  recipients: string[],
  key: PrivateKey,
): Promise<Uint8Array> {
  const layout = chunkLayout({ name: file.name, type: file.type, size: file.size });
  const plain = await chunkPlaintext(layout, chunk.n, (a, b) => file.read(a, b));
  const held = chunk.keys
    ? { keyPackets: fromBase64Url(chunk.keys), ...(chunk.data ? { data: chunk.data } : {}) }
    : null;
  const label = { tag: chunk.tag, n: chunk.n, count: chunk.count };
  return keys.seal(plain, label, { recipients, signingKey: key }, held);
}

/**
 * Seals chunk `chunk.n` of one file for the recipients; the pages pass one that runs in a Web
 * Worker (public/src/report/sealer.ts), chunk after chunk, so the page never holds a file whole.
 */
export type FileSealer = (
  file: FileSource,
  chunk: ChunkRequest,
  recipients: string[],
  signingKey: Session['key'],
) => Promise<Uint8Array | Blob>;

/** Sealing on the page's own thread: where no worker can run, and in tests and the CLI. */
export function pageSealer(): FileSealer {
  const keys = new FileKeys();
  return (file, chunk, recipients, signingKey) =>
    sealChunkOf(keys, file, chunk, recipients, signingKey);
}

/**
 * Encrypts and uploads files in order from `from`, each in chunks. A file that cannot be sent
 * stops the rest (the server takes files in order) and the error is thrown: what was
 * acknowledged is kept, and sending the same files again resumes it.
 */
async function uploadFiles(
  s: Omit<Session, 'view'>,
  messageId: string,
  files: FileSource[],
  recipients: string[],
  options: FileOptions & { from?: number },
): Promise<void> {
  const seal = options.seal ?? pageSealer();
  for (let i = options.from ?? 0; i < files.length; i++) {
    const file = files[i] as FileSource;
    options.progress?.({ stage: 'encrypt', current: i + 1, total: files.length });
    await sendFile({
      fetcher: s.fetcher,
      lookupToken: s.lookupToken,
      messageId,
      index: i,
      file,
      seal: (chunk) => seal(file, chunk, recipients, s.key),
      ...(options.upload ? { upload: options.upload } : {}),
      onSent: (sent, size) =>
        options.progress?.({ stage: 'upload', current: i + 1, total: files.length, sent, size }),
    });
  }
}

/** How files are sealed and sent: progress, an uploader with progress, a sealer (a worker's). */
export interface FileOptions {
  progress?: Progress;
  upload?: Uploader;
  seal?: FileSealer;
}

export interface SubmitInput {
  units: UnitView[];
  unitId: string;
  copyToParent: boolean;
  /** Supervisors (key IDs from the unit list) the reporter keeps out of the case. */
  exclude?: string[];
  report: Omit<ReportContent, 'v' | 'type'>;
  files: FileInput[];
}

export type { FileSource, Uploader };

/** Everything a submission sends, as plain data, so it can come back from a Web Worker. */
export interface ReportDraft {
  receipt: string;
  lookupToken: string;
  publicKey: string;
  lockedKey: string;
  unitId: string;
  copyToParent: boolean;
  exclude: string[];
  /** The sealed report, kept so that a retry sends the very same bytes. */
  report: string;
  /** Plaintext sizes of the files, for the progress bar. */
  fileSizes: number[];
}

export interface PreparedReport {
  draft: ReportDraft;
  /** Seals a chunk of file `index`, signed by the reporter's key (held wherever sealing runs). */
  sealChunk(index: number, chunk: ChunkRequest): Promise<Uint8Array | Blob>;
  /** Drops the reporter's unlocked key where it is held (ends a worker). */
  close?(): void;
}

export interface PrepareInput extends Omit<SubmitInput, 'files'> {
  /** Made by the page before anything is sent, so that the reporter can keep it first. */
  receipt: string;
  files: FileSource[];
}

export const fileSource = (f: FileInput): FileSource => ({
  name: f.name,
  type: f.type,
  size: f.bytes.length,
  read: async (start, end) => f.bytes.subarray(start, end),
});

const asSource = (f: FileInput | FileSource): FileSource => ('bytes' in f ? fileSource(f) : f);

/** Makes the reporter's key and seals the report; nothing is sent yet. */
export async function prepareReport(
  input: PrepareInput,
  progress?: Progress,
): Promise<PreparedReport> {
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(input.receipt);
  progress?.({ stage: 'keys' });
  const { publicKey, lockedKey } = await generateReporterKey(keyPassphrase);
  const key = await unlockPrivateKey(lockedKey, keyPassphrase);
  const recipients = [
    ...reportRecipients(input.units, input.unitId, input.copyToParent, input.exclude),
    publicKey,
  ];
  // The file names travel inside the sealed report, so the reporter sees them again later.
  const files: FileNote[] = input.files.map((f) => ({ name: f.name, size: f.size }));
  const content: ReportContent = {
    v: 1,
    type: 'report',
    ...input.report,
    ...(files.length > 0 ? { files } : {}),
  };
  progress?.({ stage: 'encrypt' });
  const report = await sealJson(content, { recipients, signingKey: key });
  const keys = new FileKeys();
  const sealChunkAt = async (index: number, chunk: ChunkRequest) => {
    const file = input.files[index];
    if (!file) throw new Error(`no file ${index}`);
    return sealChunkOf(keys, file, chunk, recipients, key);
  };
  return {
    draft: {
      receipt: input.receipt,
      lookupToken,
      publicKey,
      lockedKey,
      unitId: input.unitId,
      copyToParent: input.copyToParent,
      exclude: input.exclude ?? [],
      report,
      fileSizes: files.map((f) => f.size),
    },
    sealChunk: sealChunkAt,
  };
}

type SubmissionAnswer = CreateReportResponse;

/**
 * Sends a prepared report, then its files in order; safe to call again after any failure: the
 * server answers a repeat with its first answer and says how many files it already holds.
 */
export async function sendReport(
  fetcher: Fetcher,
  prepared: PreparedReport,
  progress?: Progress,
  upload?: Uploader,
) {
  const d = prepared.draft;
  const total = d.fileSizes.length;
  // Sending the report again is answered with the first answer and the files the server holds.
  const submit = async () => {
    const pow = await paidWith(fetcher, 'submit', progress);
    return callApi<SubmissionAnswer>(
      fetcher,
      '/api/reports',
      jsonInit(
        {
          unitId: d.unitId,
          copyToParent: d.copyToParent,
          exclude: d.exclude,
          lookupToken: d.lookupToken,
          reporterPublicKey: d.publicKey,
          reporterLockedKey: d.lockedKey,
          report: d.report,
          files: total,
        },
        powHeaders(pow),
      ),
    );
  };
  let answer = await submit();
  let asks = 0;
  for (let i = answer.filesReceived; i < total; i++) {
    progress?.({ stage: 'encrypt', current: i + 1, total });
    const size = d.fileSizes[i] ?? 0;
    const sent = await sendFile({
      fetcher,
      lookupToken: d.lookupToken,
      messageId: answer.messageId,
      index: i,
      file: { name: '', type: '', size, read: () => Promise.reject(new Error('sealed elsewhere')) },
      seal: (chunk) => prepared.sealChunk(i, chunk),
      ...(upload ? { upload } : {}),
      onSent: (bytes, all) =>
        progress?.({ stage: 'upload', current: i + 1, total, sent: bytes, size: all }),
    });
    if (sent.submission) answer = sent.submission;
    // The answer to the file's last chunk was lost: the repeat learns where the submission stands
    // (complete, if it was the last file), and the files go on from there. A repeat costs a proof
    // of work: after three, the page's retry takes over.
    if (sent.unconfirmed && asks < 3) {
      asks += 1;
      answer = await submit();
      i = answer.filesReceived - 1;
    }
  }
  // Still not complete: a retry of the whole (which repeats) learns the state.
  if (!answer.complete) throw new ApiError(0, 'incomplete', 'The report is not complete yet.');
  progress?.({ stage: 'done' });
  return {
    receipt: d.receipt,
    messageId: answer.messageId,
    receivedDay: answer.receivedDay,
    failedFiles: [] as string[],
  };
}

/**
 * After a reload: from the receipt alone, the submission that was under way, ready for
 * `sendReport` again. `files` must be the same files, chosen again in the same order; their
 * names and sizes are checked against those sealed in the report, and the upload goes on from the
 * last chunk the server acknowledged.
 */
export async function resumeReport(
  fetcher: Fetcher,
  typedReceipt: string,
  units: UnitView[],
  files: FileSource[],
  progress?: Progress,
  seal: FileSealer = pageSealer(),
): Promise<PreparedReport> {
  const parsed = parseReceipt(typedReceipt);
  if (!parsed.ok)
    throw new ApiError(0, `receipt_${parsed.reason}`, 'The receipt code is mistyped.');
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(parsed.code);
  const pow = await paidWith(fetcher, 'lookup', progress);
  const d = await callApi<DraftToResume>(fetcher, '/api/reports/draft', {
    headers: { ...tokenHeaders(lookupToken), ...powHeaders(pow) },
  });
  const key = await unlockPrivateKey(d.reporterLockedKey, keyPassphrase);
  const opened = await openJson<ReportContent>(d.report, {
    decryptionKeys: [key],
    verificationKeys: [d.reporterPublicKey],
  });
  const notes = opened.value.files ?? [];
  const same =
    notes.length === files.length &&
    notes.every((n, i) => n.name === files[i]?.name && n.size === files[i]?.size);
  if (!same || notes.length !== d.filesExpected)
    throw new ApiError(0, 'other_files', 'Choose the same files, in the same order, as before.');
  // The same keys as the first time, less those the reporter kept out. A file already begun
  // is sealed with the key packets the server holds, whatever the unit's keys are now.
  const recipients = [
    ...reportRecipients(units, d.unitId, d.copyToParent, d.exclude),
    d.reporterPublicKey,
  ];
  return {
    draft: {
      receipt: parsed.code,
      lookupToken,
      publicKey: d.reporterPublicKey,
      lockedKey: d.reporterLockedKey,
      unitId: d.unitId,
      copyToParent: d.copyToParent,
      exclude: d.exclude,
      report: d.report,
      fileSizes: files.map((f) => f.size),
    },
    sealChunk: async (index, chunk) => {
      const file = files[index];
      if (!file) throw new Error(`no file ${index}`);
      return seal(file, chunk, recipients, key);
    },
  };
}

/** Submits a report in one go: the tests' and the command line's way; pages prepare first. */
export async function submitReport(fetcher: Fetcher, input: SubmitInput, progress?: Progress) {
  const prepared = await prepareReport(
    { ...input, receipt: generateReceipt(), files: input.files.map(fileSource) },
    progress,
  );
  return sendReport(fetcher, prepared, progress);
}

/** Reads the case and turns its list of unit keys into the lists each action encrypts to. */
async function fetchView(
  fetcher: Fetcher,
  lookupToken: string,
  pow: PowSolution,
): Promise<CaseView> {
  const { unitKeys, ...view } = await callApi<CaseViewBody>(fetcher, '/api/receipt', {
    headers: {
      ...tokenHeaders(lookupToken),
      ...powHeaders(pow),
    },
  });
  const keysFor = (use: 'messages' | 'retaliation') => [
    ...unitKeys.filter((k) => k[use]).map((k) => k.publicKey),
    view.reporterPublicKey,
  ];
  const readersOf = (use: 'messages' | 'retaliation') =>
    unitKeys
      .filter((k) => k[use])
      .map((k) => ({
        pseudonym: k.pseudonym,
        fingerprint: k.fingerprint,
        recovery: k.recovery,
        unitId: k.unitId,
      }));
  const reads = new Set([view.unit?.id, view.copiedUnit?.id, ...view.sharedUnitIds]);
  const shareTargets = [view.parentUnit, view.escalatedUnit].filter(
    (u): u is NonNullable<typeof u> => u !== null && !reads.has(u.id),
  );
  return {
    ...view,
    recipients: { messages: keysFor('messages'), retaliation: keysFor('retaliation') },
    unitSigningKeys: unitKeys.filter((k) => k.signer).map((k) => k.publicKey),
    readers: readersOf('messages'),
    flagReaders: readersOf('retaliation'),
    shareTargets: shareTargets.filter((u, i) => shareTargets.findIndex((x) => x.id === u.id) === i),
  };
}

/** Opens a case from a typed receipt; typos are refused before any request is made. */
export async function openCase(
  fetcher: Fetcher,
  typedReceipt: string,
  progress?: Progress,
): Promise<Session> {
  const parsed = parseReceipt(typedReceipt);
  if (!parsed.ok)
    throw new ApiError(0, `receipt_${parsed.reason}`, 'The receipt code is mistyped.');
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(parsed.code);
  const pow = await paidWith(fetcher, 'lookup', progress);
  const view = await fetchView(fetcher, lookupToken, pow);
  const key = await unlockPrivateKey(view.reporterLockedKey, keyPassphrase);
  return { fetcher, lookupToken, key, view };
}

export async function refresh(s: Session): Promise<Session> {
  const pow = await paidWith(s.fetcher, 'lookup');
  const view = await fetchView(s.fetcher, s.lookupToken, pow);
  return { ...s, view };
}

export interface OpenedMessage {
  id: string;
  kind: CaseView['messages'][number]['kind'];
  day: string;
  content: Content | null;
  /** Replies: signed by a unit key; the reporter's own: by their key. Content only if verified. */
  verified: boolean;
  verification: ReadStatus;
  attachments: { id: string; size: number }[];
}

/** Decrypts every message; replies must carry a valid signature by one of the unit's keys. */
export async function readMessages(s: Session): Promise<OpenedMessage[]> {
  return Promise.all(
    s.view.messages.map(async (m) => {
      const verificationKeys =
        m.author === 'unit' ? s.view.unitSigningKeys : [s.view.reporterPublicKey];
      const { content, verification } = await readSigned<Content>(m.ciphertext, {
        decryptionKeys: [s.key],
        verificationKeys,
      });
      return {
        id: m.id,
        kind: m.kind,
        day: m.day,
        content,
        verification,
        verified: verification === 'verified',
        attachments: m.attachments,
      };
    }),
  );
}

/** Names and sizes of the files to follow, sealed with the message they belong to. */
const fileNotes = (files: FileSource[]): { files?: FileNote[] } =>
  files.length > 0 ? { files: files.map((f) => ({ name: f.name, size: f.size })) } : {};

/**
 * Sends a message with its files. With files, the server keeps the message pending, seen by no
 * supervisor, until its last file is in; a failure leaves it pending, and `finishMessage` with the
 * same files (after a reload too) resumes it from the last acknowledged chunk.
 */
export async function sendMessage(
  s: Session,
  text: string,
  given: (FileInput | FileSource)[] = [],
  options: FileOptions = {},
) {
  const files = given.map(asSource);
  const content: MessageContent = { v: 1, type: 'message', text, ...fileNotes(files) };
  const recipients = s.view.recipients.messages;
  const message = await sealJson(content, { recipients, signingKey: s.key });
  const { messageId } = await callApi<MessageResponse>(
    s.fetcher,
    '/api/receipt/messages',
    jsonInit({ message, files: files.length }, tokenHeaders(s.lookupToken)),
  );
  await uploadFiles(s, messageId, files, recipients, options);
  return { messageId, failedFiles: [] as string[] };
}

export async function flagRetaliation(
  s: Session,
  flag: Omit<RetaliationContent, 'v' | 'type'>,
  given: (FileInput | FileSource)[] = [],
  options: FileOptions = {},
) {
  const files = given.map(asSource);
  const content: RetaliationContent = { v: 1, type: 'retaliation', ...flag, ...fileNotes(files) };
  const recipients = s.view.recipients.retaliation;
  const details = await sealJson(content, { recipients, signingKey: s.key });
  const { messageId } = await callApi<FlagResponse>(
    s.fetcher,
    '/api/receipt/retaliation',
    jsonInit({ details, files: files.length }, tokenHeaders(s.lookupToken)),
  );
  await uploadFiles(s, messageId, files, recipients, options);
  return { messageId, failedFiles: [] as string[] };
}

/** A message of the reporter's that waits for its files, opened: its words and file names. */
export interface PendingMessage {
  messageId: string;
  kind: 'message' | 'retaliation';
  filesExpected: number;
  filesReceived: number;
  /** The names and sizes sealed with it: the files to choose again. */
  files: FileNote[];
}

/** The reporter's messages still waiting for their files (none reach a supervisor yet). */
export async function pendingMessages(s: Session): Promise<PendingMessage[]> {
  const { pending } = await callApi<PendingMessages>(s.fetcher, '/api/receipt/pending', {
    headers: tokenHeaders(s.lookupToken),
  });
  const out: PendingMessage[] = [];
  for (const p of pending) {
    const opened = await openJson<MessageContent | RetaliationContent>(p.ciphertext, {
      decryptionKeys: [s.key],
      verificationKeys: [s.view.reporterPublicKey],
    });
    const { ciphertext: _, ...rest } = p;
    out.push({ ...rest, files: opened.value.files ?? [] });
  }
  return out;
}

/**
 * Finishes a pending message with the same files chosen again, in the same order (checked by
 * name and size against those sealed in it); uploads go on from the last acknowledged chunk.
 */
export async function finishMessage(
  s: Session,
  pending: PendingMessage,
  given: (FileInput | FileSource)[],
  options: FileOptions = {},
) {
  const files = given.map(asSource);
  const same =
    pending.files.length === files.length &&
    pending.files.every((n, i) => n.name === files[i]?.name && n.size === files[i]?.size);
  if (!same || files.length !== pending.filesExpected)
    throw new ApiError(0, 'other_files', 'Choose the same files, in the same order, as before.');
  const use = pending.kind === 'retaliation' ? 'retaliation' : 'messages';
  await uploadFiles(s, pending.messageId, files, s.view.recipients[use], {
    ...options,
    from: pending.filesReceived,
  });
  return { messageId: pending.messageId };
}

/** Downloads and decrypts one of the case's files whole (small files; pages stream instead). */
export async function downloadAttachment(s: Session, attachmentId: string, fromUnit = false) {
  return downloadWhole(
    s.fetcher,
    `/api/receipt/attachments/${encodeURIComponent(attachmentId)}`,
    { headers: tokenHeaders(s.lookupToken) },
    {
      decryptionKeys: [s.key],
      verificationKeys: fromUnit ? s.view.unitSigningKeys : [s.view.reporterPublicKey],
    },
  );
}

/**
 * Shares the whole case with a unit above: this browser decrypts each message's and file's session
 * key with the reporter's key and wraps it for every reading key of that unit, the same re-wrap a
 * supervisor's grant makes. Only the new session-key packets are sent; the server checks them.
 */
export async function shareCase(s: Session, unitId: string, progress?: Progress) {
  const offer = await callApi<ShareOffer>(s.fetcher, '/api/receipt/share', {
    headers: tokenHeaders(s.lookupToken),
  });
  const target = offer.targets.find((t) => t.id === unitId);
  if (!target) throw new ApiError(409, 'conflict', 'The case cannot be shared with this unit.');
  const grants = [];
  let done = 0;
  const total = target.keys.reduce((n, k) => n + k.needs.length, 0);
  for (const key of target.keys) {
    const recipient = await openpgp.readKey({ armoredKey: key.publicKey });
    const items = [];
    for (const item of offer.items.filter((i) => key.needs.includes(i.id))) {
      progress?.({ stage: 'encrypt', current: ++done, total });
      const packet = await rewrapSessionKey({
        wrapped: { keyPackets: fromBase64Url(item.keyPackets), data: item.data },
        decryptionKeys: [s.key],
        recipient,
      }).catch(() => {
        throw new ApiError(
          403,
          'forbidden',
          `Your key cannot read the ${item.kind} ${item.id} of this case, so you cannot share it.`,
        );
      });
      items.push({ kind: item.kind, id: item.id, packet: toBase64Url(packet) });
    }
    grants.push({ granteeId: key.id, items });
  }
  progress?.({ stage: 'upload' });
  return callApi<ShareResponse>(
    s.fetcher,
    '/api/receipt/share',
    jsonInit({ unitId, grants }, tokenHeaders(s.lookupToken)),
  );
}
