// A follow-up message that waits for its files (sent with a connection that dropped, or a page
// closed half-way): nobody sees it yet, and the reporter finishes it here by choosing the same
// files again; the upload goes on from the last chunk the server acknowledged.
import { finishMessage, type PendingMessage, pendingMessages } from '../../../src/client/reporter';
import { ApiError, describeError } from '../lib/api';
import { byId, clearStatus, setBusy, setI18n, showStatus } from '../lib/dom';
import { FilePicker } from '../lib/files';
import { formatSize } from '../lib/format';
import { hideBar, progressLine } from '../lib/progress';
import { xhrUpload } from '../lib/upload';
import { followUpSealer } from '../report/sealer';
import type { CaseSession } from './session';

let waiting: PendingMessage | null = null;

/** Shows the first message still waiting for files, or hides the section when there is none. */
export async function showUnfinished(s: CaseSession): Promise<void> {
  const section = byId('unfinished', HTMLElement);
  const [first] = await pendingMessages(s).catch(() => []);
  waiting = first ?? null;
  section.hidden = waiting === null;
  const list = byId('unfinished-list', HTMLUListElement);
  list.replaceChildren();
  for (const f of waiting?.files ?? []) {
    const item = document.createElement('li');
    setI18n(item, 'unfinished.file', { name: f.name, size: formatSize(f.size) });
    list.append(item);
  }
}

export function wireUnfinished(
  session: () => CaseSession | null,
  afterSend: (sent: { key: 'unfinished.done' }) => Promise<void>,
): void {
  const form = byId('unfinished-form', HTMLFormElement);
  const progress = byId('unfinished-progress', HTMLElement);
  const bar = byId('unfinished-bar', HTMLProgressElement);
  const error = byId('unfinished-error', HTMLElement);
  const picker = new FilePicker(
    byId('unfinished-files', HTMLInputElement),
    byId('unfinished-file-list', HTMLUListElement),
    byId('unfinished-files-status', HTMLElement),
  );
  const seal = followUpSealer();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(error);
    const s = session();
    if (!s || !waiting) return;
    setBusy(form, true);
    try {
      showStatus(progress, 'info', 'progress.encrypt');
      await finishMessage(s, waiting, picker.sources(), {
        progress: progressLine(progress, 'progress.pow', undefined, bar),
        upload: xhrUpload,
        seal,
      });
      picker.clear();
      await afterSend({ key: 'unfinished.done' });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'other_files')
        showStatus(error, 'error', 'unfinished.otherFiles', { count: waiting.filesExpected });
      else showStatus(error, 'error', describeError(err).key, describeError(err).vars);
    } finally {
      clearStatus(progress);
      hideBar(bar);
      setBusy(form, false);
    }
  });
}
