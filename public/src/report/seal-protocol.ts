// The messages between the reporter's pages and their sealing worker.
import type { PrepareInput, Progress, ReportDraft } from '../../../src/client/reporter';
import type { ChunkLabel } from '../../../src/crypto';

export type SealRequest =
  | { type: 'prepare'; input: Omit<PrepareInput, 'files'>; files: File[] }
  | { type: 'seal'; index: number; label: ChunkLabel }
  /** A follow-up file: the reporter's unlocked key (armored, in memory only) signs it. */
  | {
      type: 'sealFile';
      key: string;
      recipients: string[];
      name: string;
      mimeType: string;
      bytes: ArrayBuffer;
    };

export type SealReply =
  | { type: 'progress'; step: Parameters<Progress>[0] }
  | { type: 'prepared'; draft: ReportDraft }
  | { type: 'sealed'; bytes: Blob }
  | { type: 'error'; message: string };
