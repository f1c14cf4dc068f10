// The messages between the reporter's pages and their sealing worker. Files travel as File
// objects (by reference) and come back one sealed chunk at a time, so neither side holds a file.
import type { PrepareInput, Progress, ReportDraft } from '../../../src/client/reporter';
import type { ChunkRequest } from '../../../src/client/uploads';

export type SealRequest =
  | { type: 'prepare'; input: Omit<PrepareInput, 'files'>; files: File[] }
  /** A chunk of file `index` of the prepared report. */
  | { type: 'seal'; index: number; chunk: ChunkRequest }
  /**
   * A chunk of any other file (a follow-up's, or a report resumed after a reload): the
   * reporter's unlocked key (armored, in memory only) signs it.
   */
  | {
      type: 'sealChunk';
      key: string;
      recipients: string[];
      file: Blob;
      name: string;
      mimeType: string;
      size: number;
      chunk: ChunkRequest;
    };

export type SealReply =
  | { type: 'progress'; step: Parameters<Progress>[0] }
  | { type: 'prepared'; draft: ReportDraft }
  | { type: 'sealed'; bytes: Blob }
  | { type: 'error'; message: string };
