// The follow-up page: check the receipt locally, open the case, read it, write back.
import { downloadTo } from '../../../src/client/downloads';
import { parseReceipt } from '../../../src/crypto';
import { renderCase } from '../follow-up/case-view';
import { type Sent, wireCompose } from '../follow-up/compose';
import type { Download } from '../follow-up/message-card';
import { type CaseSession, openSession, reloadSession } from '../follow-up/session';
import { showUnfinished, wireUnfinished } from '../follow-up/unfinished';
import { type MessageKey, onLanguageChange, type Vars } from '../i18n';
import { ApiError, describeError } from '../lib/api';
import { byId, clearStatus, setBusy, setI18n, showStatus } from '../lib/dom';
import { diskSink } from '../lib/download';
import { initShell } from '../lib/shell';
import { transferBar } from '../lib/transfer';

initShell();

let session: CaseSession | null = null;
const lookupForm = byId('lookup-form', HTMLFormElement);
const receiptInput = byId('receipt', HTMLInputElement);
const lookupProgress = byId('lookup-progress', HTMLElement);
const lookupError = byId('lookup-error', HTMLElement);
const caseStatus = byId('case-status', HTMLElement);

const download: Download = async (attachmentId, fromUnit, button) => {
  if (!session) return;
  const original = {
    key: button.dataset.i18n as MessageKey,
    vars: JSON.parse(button.dataset.i18nVars ?? '{}') as Vars,
  };
  button.disabled = true;
  setI18n(button, 'msg.downloading');
  try {
    // Decrypted chunk by chunk and written as it comes, with its progress under the button.
    const s = session;
    const sink = await diskSink('attachment');
    const bar = transferBar(button);
    try {
      const meta = await downloadTo(
        s.fetcher,
        `/api/receipt/attachments/${encodeURIComponent(attachmentId)}`,
        { headers: { 'x-lookup-token': s.lookupToken } },
        {
          decryptionKeys: [s.key],
          verificationKeys: fromUnit ? s.view.unitSigningKeys : [s.view.reporterPublicKey],
        },
        {
          write: (bytes) => sink.write(bytes),
          onProgress: (done, total) => bar.update(done, total ?? 0),
        },
      );
      await sink.close(meta.name, meta.type);
      bar.finish(meta.size);
    } catch (err) {
      await sink.abort();
      bar.remove();
      throw err;
    }
    clearStatus(caseStatus);
  } catch {
    showStatus(caseStatus, 'error', 'msg.downloadFailed');
  } finally {
    setI18n(button, original.key, original.vars);
    button.disabled = false;
  }
};

/** After a share: the case is looked up again, so the page shows who reads it now. */
async function afterShare(): Promise<void> {
  if (session) show(await reloadSession(session));
}

function show(s: CaseSession): void {
  session = s;
  renderCase(s, download, afterShare);
  void showUnfinished(s);
  byId('lookup-view', HTMLElement).hidden = true;
  byId('case-view', HTMLElement).hidden = false;
}
onLanguageChange(() => session && renderCase(session, download, afterShare));

const RECEIPT_ERRORS: Record<'length' | 'character' | 'checksum', MessageKey> = {
  length: 'follow.error.length',
  character: 'follow.error.character',
  checksum: 'follow.error.checksum',
};

/** The counts of a report whose files did not all arrive (the server's 409 says so), or null. */
function unfinished(err: unknown): { received: number; expected: number; days: number } | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const d = (err.details as { unfinished?: Record<string, unknown> } | undefined)?.unfinished;
  if (!d) return null;
  return {
    received: Number(d.filesReceived),
    expected: Number(d.filesExpected),
    days: Number(d.days),
  };
}

lookupForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearStatus(lookupError);
  receiptInput.removeAttribute('aria-invalid');
  // Typos are caught here, before any request, so a mistyped code is never sent anywhere.
  const parsed = parseReceipt(receiptInput.value);
  if (!parsed.ok) {
    receiptInput.setAttribute('aria-invalid', 'true');
    showStatus(lookupError, 'error', RECEIPT_ERRORS[parsed.reason]);
    receiptInput.focus();
    return;
  }
  setBusy(lookupForm, true);
  try {
    show(await openSession(parsed.code, lookupProgress));
    receiptInput.value = ''; // the receipt is not needed any more and should not stay on screen
    byId('case-title', HTMLElement).focus();
  } catch (err) {
    // One message for every unknown receipt, so the answer reveals nothing about other reports.
    if (err instanceof ApiError && err.status === 404)
      showStatus(lookupError, 'error', 'follow.notFound');
    else if (unfinished(err))
      showStatus(lookupError, 'error', 'follow.unfinished', unfinished(err) ?? undefined);
    else showStatus(lookupError, 'error', describeError(err).key, describeError(err).vars);
  } finally {
    clearStatus(lookupProgress);
    setBusy(lookupForm, false);
  }
});

async function afterSend(sent: Sent): Promise<void> {
  if (!session) return;
  showStatus(caseStatus, 'info', 'follow.refreshing');
  try {
    show(await reloadSession(session));
    showStatus(caseStatus, 'success', sent.key, sent.vars);
  } catch (err) {
    // The message went out; only the refresh failed, so say both.
    showStatus(caseStatus, 'error', describeError(err).key, describeError(err).vars);
  }
  byId('case-status', HTMLElement).scrollIntoView({ block: 'nearest' });
}

/** A message with files that did not all go: it waits, and the page offers to finish it. */
async function afterFailure(): Promise<void> {
  if (session) await showUnfinished(session);
}

wireCompose(() => session, afterSend, afterFailure);
wireUnfinished(() => session, afterSend);

byId('case-close', HTMLButtonElement).addEventListener('click', () => {
  // Reloading drops the unlocked key and every decrypted word from memory.
  location.replace('/follow-up');
});
