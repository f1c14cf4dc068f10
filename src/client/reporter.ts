// The reporter's whole journey as plain functions over the API: submit, come back with the
// receipt, read, write, flag retaliation. The browser pages and the tests run this same code.

import type { PrivateKey } from 'openpgp';
import * as openpgp from 'openpgp';
import type { ShareOffer, ShareResponse } from '../contract/grants';
import { LOOKUP_TOKEN_HEADER } from '../contract/headers';
import { reportRecipientKeys } from '../contract/reach';
import type { FlagResponse, MessageResponse } from '../contract/receipt';
import type { CreateReportResponse } from '../contract/reports';
import {
  deriveReceiptSecrets,
  fromBase64Url,
  generateReceipt,
  generateReporterKey,
  openFile,
  parseReceipt,
  rewrapSessionKey,
  sealFile,
  sealJson,
  toBase64Url,
  unlockPrivateKey,
} from '../crypto';
import { ApiError, callApi, type Fetcher, jsonInit } from './api';
import { type ReadStatus, readSigned, verifiedValue } from './opened';
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

export type Progress = (step: {
  stage: 'pow' | 'keys' | 'encrypt' | 'upload' | 'done';
  current?: number;
  total?: number;
  /** Bytes of the current upload sent so far, and its size. */
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
 * Encrypts and uploads files one by one. A failed file does not stop the others, and never loses
 * what was already acknowledged: the caller gets the names that failed, to offer another try.
 */
/** Seals one follow-up file for the recipients; the pages pass one that runs in a Web Worker. */
export type FileSealer = (
  file: FileInput,
  recipients: string[],
  signingKey: Session['key'],
) => Promise<Uint8Array | Blob>;

const sealOnPage: FileSealer = (file, recipients, signingKey) =>
  sealFile(file.bytes, { name: file.name, type: file.type }, { recipients, signingKey });

async function uploadFiles(
  s: Omit<Session, 'view'>,
  messageId: string,
  files: FileInput[],
  recipients: string[],
  progress?: Progress,
  seal: FileSealer = sealOnPage,
): Promise<string[]> {
  const failed: string[] = [];
  for (const [i, file] of files.entries()) {
    try {
      progress?.({ stage: 'encrypt', current: i + 1, total: files.length });
      const sealed = await seal(file, recipients, s.key);
      progress?.({ stage: 'upload', current: i + 1, total: files.length });
      await callApi(
        s.fetcher,
        `/api/receipt/attachments?message=${encodeURIComponent(messageId)}`,
        {
          method: 'POST',
          headers: { ...tokenHeaders(s.lookupToken), 'content-type': 'application/octet-stream' },
          body: sealed as Uint8Array<ArrayBuffer> | Blob,
        },
      );
    } catch {
      failed.push(file.name);
    }
  }
  return failed;
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

/** A file to seal later, read only when its turn comes so that large files are not all held. */
export interface FileSource {
  name: string;
  type: string;
  size: number;
  read(): Promise<Uint8Array>;
}

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
  /** Seals file `index`, signed by the reporter's key (held wherever the sealing runs). */
  sealFile(index: number): Promise<Uint8Array | Blob>;
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
  read: async () => f.bytes,
});

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
  const sealFileAt = async (index: number) => {
    const file = input.files[index];
    if (!file) throw new Error(`no file ${index}`);
    const meta = { name: file.name, type: file.type };
    return sealFile(await file.read(), meta, { recipients, signingKey: key });
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
    sealFile: sealFileAt,
  };
}

const sizeOf = (body: Uint8Array | Blob) => (body instanceof Uint8Array ? body.length : body.size);

/** Sends bytes with progress where the runtime can report it (XMLHttpRequest in a browser). */
export type Uploader = (
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | Blob,
  onSent: (bytes: number) => void,
) => Promise<unknown>;

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
  const pow = await paidWith(fetcher, 'submit', progress);
  let answer = await callApi<SubmissionAnswer>(
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
  for (let i = answer.filesReceived; i < total; i++) {
    progress?.({ stage: 'encrypt', current: i + 1, total });
    const sealed = await prepared.sealFile(i);
    const path = `/api/reports/files?index=${i}`;
    const headers = {
      ...tokenHeaders(d.lookupToken),
      'content-type': 'application/octet-stream',
    };
    const onSent = (sent: number) =>
      progress?.({ stage: 'upload', current: i + 1, total, sent, size: sizeOf(sealed) });
    onSent(0);
    answer = upload
      ? ((await upload(path, headers, sealed, onSent)) as SubmissionAnswer)
      : await callApi<SubmissionAnswer>(fetcher, path, {
          method: 'POST',
          headers,
          body: sealed as Uint8Array<ArrayBuffer> | Blob,
        });
  }
  progress?.({ stage: 'done' });
  return {
    receipt: d.receipt,
    messageId: answer.messageId,
    receivedDay: answer.receivedDay,
    failedFiles: [] as string[],
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
const fileNotes = (files: FileInput[]): { files?: FileNote[] } =>
  files.length > 0 ? { files: files.map((f) => ({ name: f.name, size: f.bytes.length })) } : {};

export async function sendMessage(
  s: Session,
  text: string,
  files: FileInput[] = [],
  progress?: Progress,
  seal?: FileSealer,
) {
  const content: MessageContent = { v: 1, type: 'message', text, ...fileNotes(files) };
  const recipients = s.view.recipients.messages;
  const message = await sealJson(content, { recipients, signingKey: s.key });
  const { messageId } = await callApi<MessageResponse>(
    s.fetcher,
    '/api/receipt/messages',
    jsonInit({ message }, tokenHeaders(s.lookupToken)),
  );
  const failedFiles = await uploadFiles(s, messageId, files, recipients, progress, seal);
  return { messageId, failedFiles };
}

export async function flagRetaliation(
  s: Session,
  flag: Omit<RetaliationContent, 'v' | 'type'>,
  files: FileInput[] = [],
  progress?: Progress,
  seal?: FileSealer,
) {
  const content: RetaliationContent = { v: 1, type: 'retaliation', ...flag, ...fileNotes(files) };
  const recipients = s.view.recipients.retaliation;
  const details = await sealJson(content, { recipients, signingKey: s.key });
  const { messageId } = await callApi<FlagResponse>(
    s.fetcher,
    '/api/receipt/retaliation',
    jsonInit({ details }, tokenHeaders(s.lookupToken)),
  );
  const failedFiles = await uploadFiles(s, messageId, files, recipients, progress, seal);
  return { messageId, failedFiles };
}

export async function downloadAttachment(s: Session, attachmentId: string, fromUnit = false) {
  const bytes = await callApi<Uint8Array>(
    s.fetcher,
    `/api/receipt/attachments/${encodeURIComponent(attachmentId)}`,
    { headers: tokenHeaders(s.lookupToken) },
  );
  const verificationKeys = fromUnit ? s.view.unitSigningKeys : [s.view.reporterPublicKey];
  return verifiedValue(await openFile(bytes, { decryptionKeys: [s.key], verificationKeys }));
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
