// The report page: describe what happened, keep the receipt code first, then send the whole
// submission (report and files) while the page says to keep it open.
import { ApiError, callApi } from '../../../src/client/api';
import type { PreparedReport } from '../../../src/client/reporter';
import { REPORT_CATEGORIES, type ReportContent, type UnitView } from '../../../src/client/types';
import { generateReceipt } from '../../../src/crypto/receipt';
import { browserFetch, describeError } from '../lib/api';
import { byId, clearStatus, setI18n, showStatus } from '../lib/dom';
import { FilePicker } from '../lib/files';
import { FormErrors } from '../lib/form-errors';
import { warnOnLeave } from '../lib/leave-warning';
import { initShell } from '../lib/shell';
import { xhrUpload } from '../lib/upload';
import { progressBar } from '../report/progress-bar';
import { isLastGroup, showReceiptBox } from '../report/receipt';
import { UnitPicker } from '../report/units';

initShell();

// The sealing code (openpgp.js) is needed only once the reporter sends: loaded by import(), so the
// page's text and form are up while it is still on its way (the page preloads it, see build.mjs).
const sealing = () =>
  Promise.all([import('../../../src/client/reporter'), import('../report/sealer')]);

const form = byId('report-form', HTMLFormElement);
const tree = byId('unit-tree', HTMLElement);
const units = new UnitPicker(
  tree,
  byId('copy-field', HTMLElement),
  byId('copy-parent', HTMLInputElement),
  byId('copy-label', HTMLLabelElement),
  byId('readers', HTMLElement),
);
const files = new FilePicker(
  byId('report-files', HTMLInputElement),
  byId('report-file-list', HTMLUListElement),
  byId('report-files-status', HTMLElement),
);
const field = (id: string) =>
  byId(id, HTMLElement) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

callApi<{ units: UnitView[] }>(browserFetch, '/api/units')
  .then(({ units: list }) => units.load(list))
  .catch(() => showStatus(byId('unit-status', HTMLElement), 'error', 'report.unit.loadError'));

const isCategory = (value: string): value is ReportContent['category'] =>
  (REPORT_CATEGORIES as readonly string[]).includes(value);
const radios = () => [...tree.querySelectorAll<HTMLInputElement>('input[type="radio"]')];

const errors = new FormErrors('report', [
  {
    target: () => radios().find((r) => !r.disabled) ?? tree,
    controls: radios,
    error: byId('unit-error', HTMLElement),
    check: () => (units.selected() ? null : 'report.error.unit'),
  },
  {
    target: () => document.querySelector<HTMLInputElement>('#exclude-field input') ?? tree,
    error: byId('unit-error', HTMLElement),
    check: () => units.exclusionError(),
  },
  {
    target: () => field('category'),
    error: byId('category-error', HTMLElement),
    check: () => (isCategory(field('category').value) ? null : 'report.error.category'),
  },
  {
    target: () => field('what'),
    error: byId('what-error', HTMLElement),
    check: () => (field('what').value.trim() === '' ? 'report.error.what' : null),
  },
]);

const keepInput = byId('keep-confirm', HTMLInputElement);
const keepErrors = new FormErrors('keep', [
  {
    target: () => keepInput,
    error: byId('keep-confirm-error', HTMLElement),
    check: () => (receipt && isLastGroup(receipt, keepInput.value) ? null : 'keep.confirm.error'),
  },
]);

const VIEWS = ['report-view', 'keep-view', 'send-view', 'receipt-view'] as const;
function showView(view: (typeof VIEWS)[number], focus: string): void {
  for (const v of VIEWS) byId(v, HTMLElement).hidden = v !== view;
  byId(focus, HTMLElement).focus();
  window.scrollTo(0, 0);
}

// Made when the reporter first continues, kept if they go back to edit: they may have written
// it down already. Nothing is sent before they confirm they have it.
let receipt: string | null = null;
let prepared: PreparedReport | null = null;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!errors.validate()) return;
  receipt ??= generateReceipt();
  showReceiptBox('keep', receipt);
  // From here on, leaving would lose the receipt, or the report with it.
  warnOnLeave(true);
  showView('keep-view', 'keep-title');
});

byId('keep-back', HTMLButtonElement).addEventListener('click', () => {
  keepErrors.clear();
  showView('report-view', 'what');
});

byId('keep-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!keepErrors.validate()) return;
  keepInput.value = '';
  showView('send-view', 'send-title');
  void send();
});

byId('send-retry', HTMLButtonElement).addEventListener('click', () => {
  byId('send-failed', HTMLElement).hidden = true;
  byId('send-title', HTMLElement).focus();
  void send();
});

function reportInput() {
  const unit = units.selected();
  const category = field('category').value;
  if (!unit || !isCategory(category) || !receipt) throw new Error('form changed after checking');
  return {
    units: units.all(),
    unitId: unit.id,
    copyToParent: units.copyToParent(),
    exclude: units.exclude(),
    receipt,
    report: {
      category,
      whatHappened: field('what').value.trim(),
      when: field('when').value.trim(),
      where: field('where').value.trim(),
      who: field('who').value.trim(),
      howKnown: field('how').value.trim(),
    },
    files: files.sources(),
  };
}

/** Prepares once, then sends; a retry sends the same sealed report, so it never makes two cases. */
async function send(): Promise<void> {
  const bar = byId('send-bar', HTMLProgressElement);
  const line = byId('send-step', HTMLElement);
  bar.value = 0;
  try {
    if (!prepared) {
      const input = reportInput();
      const { files: sources, ...rest } = input;
      const early = progressBar(
        bar,
        line,
        input.files.map((f) => f.size),
      );
      const [, { prepareOffPage }] = await sealing();
      prepared = await prepareOffPage(rest, files.chosen(), sources, early);
    }
    const progress = progressBar(bar, line, prepared.draft.fileSizes);
    const [{ sendReport }] = await sealing();
    const result = await sendReport(browserFetch, prepared, progress, xhrUpload);
    // The text now lives only in the ciphertext: clear every field so nothing lingers.
    form.reset();
    files.clear();
    prepared.close?.();
    prepared = null;
    receipt = null;
    showReceiptBox('receipt', result.receipt);
    setI18n(byId('receipt-received', HTMLElement), 'receipt.received', { day: result.receivedDay });
    showView('receipt-view', 'receipt-title');
  } catch (err) {
    const advice = describeError(err);
    showStatus(byId('send-error', HTMLElement), 'error', advice.key, advice.vars);
    byId('send-failed', HTMLElement).hidden = false;
    byId('send-retry', HTMLButtonElement).focus();
  }
}

// After a reload: the receipt and the same files, and sending goes on where it stopped.
const resumeFiles = new FilePicker(
  byId('resume-files', HTMLInputElement),
  byId('resume-file-list', HTMLUListElement),
  byId('resume-files-status', HTMLElement),
);
byId('resume-form', HTMLFormElement).addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = byId('resume-error', HTMLElement);
  clearStatus(error);
  try {
    const code = byId('resume-receipt', HTMLInputElement).value;
    const [{ resumeReport }, { followUpSealer }] = await sealing();
    // The key is unlocked here, but every chunk is sealed in the worker, as the first time.
    const seal = followUpSealer();
    prepared = await resumeReport(
      browserFetch,
      code,
      units.all(),
      resumeFiles.sources(),
      undefined,
      seal,
    );
  } catch (err) {
    const key =
      err instanceof ApiError && err.code === 'other_files'
        ? 'resume.otherFiles'
        : err instanceof ApiError && err.status === 409
          ? 'resume.complete'
          : describeError(err).key;
    showStatus(error, 'error', key, describeError(err).vars);
    return;
  }
  byId('resume-receipt', HTMLInputElement).value = '';
  receipt = prepared.draft.receipt;
  warnOnLeave(true);
  showView('send-view', 'send-title');
  void send();
});

byId('receipt-kept', HTMLButtonElement).addEventListener('click', () => {
  warnOnLeave(false);
  byId('receipt-keep', HTMLElement).hidden = true;
  byId('receipt-done', HTMLElement).hidden = false;
  byId('receipt-follow', HTMLElement).focus();
});
