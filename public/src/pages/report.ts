// The report page: choose a unit, describe what happened, attach evidence, get a receipt.
import { callApi } from '../../../src/client/api';
import { submitReport } from '../../../src/client/reporter';
import { REPORT_CATEGORIES, type ReportContent, type UnitView } from '../../../src/client/types';
import type { MessageKey } from '../i18n';
import { browserFetch, describeError } from '../lib/api';
import { byId, clearStatus, setBusy, showStatus } from '../lib/dom';
import { FilePicker } from '../lib/files';
import { progressLine } from '../lib/progress';
import { initShell } from '../lib/shell';
import { showReceipt } from '../report/receipt';
import { UnitPicker } from '../report/units';

initShell();

const form = byId('report-form', HTMLFormElement);
const progress = byId('report-progress', HTMLElement);
const errorLine = byId('report-error', HTMLElement);
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

function isCategory(value: string): value is ReportContent['category'] {
  return (REPORT_CATEGORIES as readonly string[]).includes(value);
}

/** Returns the first problem with the form, marking the field so it can be found and fixed. */
function invalid(): { key: MessageKey; focus: HTMLElement } | null {
  for (const id of ['category', 'what']) field(id).removeAttribute('aria-invalid');
  if (!units.selected()) {
    const first = tree.querySelector<HTMLInputElement>('input[type="radio"]:not(:disabled)');
    return { key: 'report.error.unit', focus: first ?? tree };
  }
  if (!isCategory(field('category').value))
    return { key: 'report.error.category', focus: field('category') };
  if (field('what').value.trim() === '') return { key: 'report.error.what', focus: field('what') };
  return null;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearStatus(errorLine);
  const problem = invalid();
  const unit = units.selected();
  const category = field('category').value;
  if (problem || !unit || !isCategory(category)) {
    if (problem) {
      problem.focus.setAttribute('aria-invalid', 'true');
      showStatus(errorLine, 'error', problem.key);
      problem.focus.focus();
    }
    return;
  }
  setBusy(form, true);
  try {
    const result = await submitReport(
      browserFetch,
      {
        units: units.all(),
        unitId: unit.id,
        copyToParent: units.copyToParent(),
        report: {
          category,
          whatHappened: field('what').value.trim(),
          when: field('when').value.trim(),
          where: field('where').value.trim(),
          who: field('who').value.trim(),
          howKnown: field('how').value.trim(),
        },
        files: await files.read(),
      },
      progressLine(progress),
    );
    // The text now lives only in the ciphertext; clear the page so nothing lingers on screen.
    form.reset();
    files.clear();
    showReceipt(result);
  } catch (err) {
    const advice = describeError(err);
    showStatus(errorLine, 'error', advice.key, advice.vars);
  } finally {
    clearStatus(progress);
    setBusy(form, false);
  }
});
