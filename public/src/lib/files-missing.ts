// Whether a message's files all arrived: the names sealed in it against the files the server
// lists for it. Both the reporter's and the supervisor's pages mark a message that lacks some.
import type { FileNote } from '../../../src/client/types';

export type FilesMissing = { arrived: number; announced: number };

/** The counts when fewer files arrived than the (decrypted) message names, else null. */
export function filesMissing(content: unknown, arrived: number): FilesMissing | null {
  const files = (content as { files?: FileNote[] } | null)?.files;
  const announced = Array.isArray(files) ? files.length : 0;
  return arrived < announced ? { arrived, announced } : null;
}
