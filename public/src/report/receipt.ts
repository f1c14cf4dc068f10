// Showing the receipt code with ways to keep it that do not involve this site, and checking
// that the reporter kept it (the last group typed back) before anything is sent.
import { formatReceipt, normalizeReceipt, RECEIPT_GROUP } from '../../../src/crypto/receipt';
import { t } from '../i18n';
import { byId, showStatus } from '../lib/dom';
import { saveText } from '../lib/download';

/** Fills an included receipt-box partial (`<prefix>-code`, `-copy`, `-save`, `-status`). */
export function showReceiptBox(prefix: string, receipt: string): void {
  const code = formatReceipt(receipt);
  const codeEl = byId(`${prefix}-code`, HTMLElement);
  codeEl.textContent = code;
  const status = byId(`${prefix}-status`, HTMLElement);
  byId(`${prefix}-copy`, HTMLButtonElement).onclick = async () => {
    try {
      await navigator.clipboard.writeText(code);
      showStatus(status, 'success', 'receipt.copied');
    } catch {
      selectText(codeEl);
      showStatus(status, 'error', 'receipt.copyFailed');
    }
  };
  byId(`${prefix}-save`, HTMLButtonElement).onclick = () => {
    const url = `${location.origin}/follow-up`;
    saveText(t('receipt.fileText', { code, url }), t('receipt.fileName'));
  };
}

/** True when `typed` is the receipt's last group, forgiving case, spaces and look-alikes. */
export function isLastGroup(receipt: string, typed: string): boolean {
  const last = normalizeReceipt(receipt).slice(-RECEIPT_GROUP);
  return normalizeReceipt(typed) === last;
}

function selectText(el: HTMLElement): void {
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}
