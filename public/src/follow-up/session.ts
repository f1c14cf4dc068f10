// Opening a case with a receipt through the shared client: proof of work, lookup, unlocking the
// reporter's key, decrypting every message.
import {
  type OpenedMessage,
  openCase,
  readMessages,
  refresh,
  type Session,
} from '../../../src/client/reporter';
import { browserFetch } from '../lib/api';
import { showStatus } from '../lib/dom';
import { progressLine } from '../lib/progress';

/** Held in memory only, for as long as the page is open; never written to storage. */
export interface CaseSession extends Session {
  messages: OpenedMessage[];
  /** The last visit before this page was opened: replies from that day on are marked new. */
  since: string | null;
}

async function decrypt(
  s: Session,
  since: string | null,
  progress: HTMLElement | null,
): Promise<CaseSession> {
  if (progress) showStatus(progress, 'info', 'progress.decrypt');
  // Replies are opened against the unit's signing keys: readMessages refuses unsigned or forged ones.
  return { ...s, since, messages: await readMessages(s) };
}

/** `code` must already have passed parseReceipt, so typos never reach the server. */
export async function openSession(code: string, progress: HTMLElement): Promise<CaseSession> {
  const s = await openCase(browserFetch, code, progressLine(progress, 'follow.lookup'));
  return decrypt(s, s.view.lastSeenDay, progress);
}

export async function reloadSession(s: CaseSession): Promise<CaseSession> {
  // A refresh after sending is a look-up too; what was new when the page opened stays new.
  return decrypt(await refresh(s), s.since, null);
}
