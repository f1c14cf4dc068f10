// The messages between the report page and its sealing worker.
import type { PrepareInput, Progress, ReportDraft } from '../../../src/client/reporter';
import type { ChunkLabel } from '../../../src/crypto';

export type SealRequest =
  | { type: 'prepare'; input: Omit<PrepareInput, 'files'>; files: File[] }
  | { type: 'seal'; index: number; label: ChunkLabel };

export type SealReply =
  | { type: 'progress'; step: Parameters<Progress>[0] }
  | { type: 'prepared'; draft: ReportDraft }
  | { type: 'sealed'; bytes: Blob }
  | { type: 'error'; message: string };
