// Showing the receipt once, with ways to keep it that do not involve this site.
import { formatReceipt } from '../../../src/crypto';
import { t } from '../i18n';
import { byId, setI18n, showStatus } from '../lib/dom';
import { saveText } from '../lib/download';

/** What the shared client's submitReport resolves to, once the report is acknowledged. */
export interface SubmitResult {
  receipt: string;
  receivedDay: string;
  /** Files that could not be sent after the report itself was accepted. */
  failedFiles: string[];
}

export function showReceipt(result: SubmitResult): void {
  const code = formatReceipt(result.receipt);
  byId('report-view', HTMLElement).hidden = true;
  byId('receipt-view', HTMLElement).hidden = false;
  byId('receipt-code', HTMLElement).textContent = code;
  setI18n(byId('receipt-received', HTMLElement), 'receipt.received', { day: result.receivedDay });
  if (result.failedFiles.length > 0) {
    showStatus(byId('receipt-files-failed', HTMLElement), 'error', 'receipt.filesFailed', {
      names: result.failedFiles.join(', '),
    });
  }
  const status = byId('receipt-status', HTMLElement);
  byId('receipt-copy', HTMLButtonElement).addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code);
      showStatus(status, 'success', 'receipt.copied');
    } catch {
      selectCode();
      showStatus(status, 'error', 'receipt.copyFailed');
    }
  });
  byId('receipt-save', HTMLButtonElement).addEventListener('click', () => {
    const url = `${location.origin}/follow-up`;
    saveText(t('receipt.fileText', { code, url }), t('receipt.fileName'));
  });
  // Focus moves to the heading so screen readers announce the result at once.
  byId('receipt-title', HTMLElement).focus();
  window.scrollTo(0, 0);
}

function selectCode(): void {
  const range = document.createRange();
  range.selectNodeContents(byId('receipt-code', HTMLElement));
  const selection = getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}
