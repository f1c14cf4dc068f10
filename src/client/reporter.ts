// The reporter's whole journey as plain functions over the API: submit, come back with the
// receipt, read, write, flag retaliation. The browser pages and the tests run this same code.
import type { PrivateKey } from 'openpgp';
import { reportRecipientKeys } from '../contract/reach';
import {
  deriveReceiptSecrets,
  generateReceipt,
  generateReporterKey,
  openFile,
  openJson,
  parseReceipt,
  sealFile,
  sealJson,
  unlockPrivateKey,
} from '../crypto';
import { ApiError, callApi, type Fetcher, jsonInit } from './api';
import { type PowPurpose, type PowSolution, powHeaders, proofOfWork } from './pow';
import type {
  CaseView,
  CaseViewBody,
  Content,
  FileInput,
  MessageContent,
  ReportContent,
  RetaliationContent,
  UnitView,
} from './types';

export type Progress = (step: {
  stage: 'pow' | 'keys' | 'encrypt' | 'upload' | 'done';
  current?: number;
  total?: number;
}) => void;

/** Solves a challenge, reporting tries on `progress` so a page can show the puzzle moving. */
const paidWith = (fetcher: Fetcher, purpose: PowPurpose, progress?: Progress) =>
  proofOfWork(fetcher, purpose, (tries) => progress?.({ stage: 'pow', current: tries }));

/** Keys a report must be encrypted to (the reporter's own is added): the rule is the server's. */
export function reportRecipients(
  units: UnitView[],
  unitId: string,
  copyToParent: boolean,
): string[] {
  return reportRecipientKeys(units, unitId, copyToParent);
}

export interface Session {
  fetcher: Fetcher;
  lookupToken: string;
  key: PrivateKey;
  view: CaseView;
}

const tokenHeaders = (token: string) => ({ 'x-lookup-token': token });

/**
 * Encrypts and uploads files one by one. A failed file does not stop the others, and never loses
 * what was already acknowledged: the caller gets the names that failed, to offer another try.
 */
async function uploadFiles(
  s: Omit<Session, 'view'>,
  messageId: string,
  files: FileInput[],
  recipients: string[],
  progress?: Progress,
): Promise<string[]> {
  const failed: string[] = [];
  for (const [i, file] of files.entries()) {
    try {
      progress?.({ stage: 'encrypt', current: i + 1, total: files.length });
      const sealed = await sealFile(
        file.bytes,
        { name: file.name, type: file.type },
        { recipients, signingKey: s.key },
      );
      progress?.({ stage: 'upload', current: i + 1, total: files.length });
      await callApi(
        s.fetcher,
        `/api/receipt/attachments?message=${encodeURIComponent(messageId)}`,
        {
          method: 'POST',
          headers: { ...tokenHeaders(s.lookupToken), 'content-type': 'application/octet-stream' },
          body: sealed as Uint8Array<ArrayBuffer>,
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
  report: Omit<ReportContent, 'v' | 'type'>;
  files: FileInput[];
}

/** Submits a report; resolves to the receipt, which the caller shows once and never stores. */
export async function submitReport(fetcher: Fetcher, input: SubmitInput, progress?: Progress) {
  const receipt = generateReceipt();
  const { lookupToken, keyPassphrase } = await deriveReceiptSecrets(receipt);
  progress?.({ stage: 'keys' });
  const { publicKey, lockedKey } = await generateReporterKey(keyPassphrase);
  const key = await unlockPrivateKey(lockedKey, keyPassphrase);
  const recipients = [
    ...reportRecipients(input.units, input.unitId, input.copyToParent),
    publicKey,
  ];
  const content: ReportContent = { v: 1, type: 'report', ...input.report };
  progress?.({ stage: 'encrypt' });
  const report = await sealJson(content, { recipients, signingKey: key });
  const pow = await paidWith(fetcher, 'submit', progress);
  const created = await callApi<{ messageId: string; receivedDay: string }>(
    fetcher,
    '/api/reports',
    jsonInit(
      {
        unitId: input.unitId,
        copyToParent: input.copyToParent,
        lookupToken,
        reporterPublicKey: publicKey,
        reporterLockedKey: lockedKey,
        report,
      },
      powHeaders(pow),
    ),
  );
  // The report is acknowledged: from here on the receipt must reach the reporter whatever happens.
  const failedFiles = await uploadFiles(
    { fetcher, lookupToken, key },
    created.messageId,
    input.files,
    recipients,
    progress,
  );
  progress?.({ stage: 'done' });
  return { receipt, messageId: created.messageId, receivedDay: created.receivedDay, failedFiles };
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
  return {
    ...view,
    recipients: { messages: keysFor('messages'), retaliation: keysFor('retaliation') },
    unitSigningKeys: unitKeys.filter((k) => k.signer).map((k) => k.publicKey),
    readers: unitKeys
      .filter((k) => k.messages)
      .map((k) => ({ pseudonym: k.pseudonym, fingerprint: k.fingerprint, recovery: k.recovery })),
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
  /** For replies: whether a unit key's signature verified. Reporter's own: signed by own key. */
  verified: boolean;
  attachments: { id: string; size: number }[];
}

/** Decrypts every message; replies must carry a valid signature by one of the unit's keys. */
export async function readMessages(s: Session): Promise<OpenedMessage[]> {
  return Promise.all(
    s.view.messages.map(async (m) => {
      const verificationKeys =
        m.author === 'unit' ? s.view.unitSigningKeys : [s.view.reporterPublicKey];
      try {
        const opened = await openJson<Content>(m.ciphertext, {
          decryptionKeys: [s.key],
          verificationKeys,
        });
        return {
          id: m.id,
          kind: m.kind,
          day: m.day,
          content: opened.value,
          verified: true,
          attachments: m.attachments,
        };
      } catch {
        return {
          id: m.id,
          kind: m.kind,
          day: m.day,
          content: null,
          verified: false,
          attachments: m.attachments,
        };
      }
    }),
  );
}

export async function sendMessage(
  s: Session,
  text: string,
  files: FileInput[] = [],
  progress?: Progress,
) {
  const content: MessageContent = { v: 1, type: 'message', text };
  const recipients = s.view.recipients.messages;
  const message = await sealJson(content, { recipients, signingKey: s.key });
  const { messageId } = await callApi<{ messageId: string }>(
    s.fetcher,
    '/api/receipt/messages',
    jsonInit({ message }, tokenHeaders(s.lookupToken)),
  );
  const failedFiles = await uploadFiles(s, messageId, files, recipients, progress);
  return { messageId, failedFiles };
}

export async function flagRetaliation(
  s: Session,
  flag: Omit<RetaliationContent, 'v' | 'type'>,
  files: FileInput[] = [],
  progress?: Progress,
) {
  const content: RetaliationContent = { v: 1, type: 'retaliation', ...flag };
  const recipients = s.view.recipients.retaliation;
  const details = await sealJson(content, { recipients, signingKey: s.key });
  const { messageId } = await callApi<{ messageId: string }>(
    s.fetcher,
    '/api/receipt/retaliation',
    jsonInit({ details }, tokenHeaders(s.lookupToken)),
  );
  const failedFiles = await uploadFiles(s, messageId, files, recipients, progress);
  return { messageId, failedFiles };
}

export async function downloadAttachment(s: Session, attachmentId: string, fromUnit = false) {
  const bytes = await callApi<Uint8Array>(
    s.fetcher,
    `/api/receipt/attachments/${encodeURIComponent(attachmentId)}`,
    { headers: tokenHeaders(s.lookupToken) },
  );
  const verificationKeys = fromUnit ? s.view.unitSigningKeys : [s.view.reporterPublicKey];
  const opened = await openFile(bytes, { decryptionKeys: [s.key], verificationKeys });
  return opened.value;
}
