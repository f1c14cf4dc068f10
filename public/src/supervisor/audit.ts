// The audit trail for administrators and auditors: entries in order, paged, and a chain check.
import { type AuditEntry, auditEntries, verifyAudit } from '../../../src/client/admin';
import { lang, type MessageKey } from '../i18n';
import { en } from '../i18n/en';
import { byId, clearStatus, h, showStatus } from '../lib/dom';
import { label, session, showError } from './session';

const PAGE = 100;
/** Every action the server writes to the trail, as named in the catalogue, for the filter. */
const ACTION_PREFIX = 'audit.action.';
const ACTIONS = (Object.keys(en) as MessageKey[]).filter((k) => k.startsWith(ACTION_PREFIX));
const REPORT_ID = /^[A-Za-z0-9_-]{22}$/;
let entries: AuditEntry[] = [];
let next: number | null = null;

const short = (id: string | null) =>
  id ? h('code', { attrs: { title: id } }, id.slice(0, 8)) : '—';

/** A name with its id beside it (kept for matching with exports and the CLI), or just the id. */
const named = (name: string | null, id: string | null) =>
  name && id ? h('span', {}, name, ' ', short(id)) : short(id);

function row(e: AuditEntry): HTMLTableRowElement {
  const detail = e.detail && typeof e.detail === 'object' ? JSON.stringify(e.detail) : '';
  return h(
    'tr',
    {},
    h('td', {}, String(e.seq)),
    h('td', {}, h('time', { attrs: { datetime: e.at } }, e.at.replace('T', ' ').slice(0, 19))),
    h('td', {}, label('audit.action', e.action)),
    h('td', {}, named(e.actorName, e.actorId)),
    h('td', {}, named(lang() === 'zh' ? e.unitNameZh : e.unitName, e.unitId)),
    h('td', {}, short(e.reportId)),
    h('td', { class: 'detail' }, detail === '{}' ? '' : detail),
  );
}

async function load(append: boolean): Promise<void> {
  const s = session();
  if (!s) return;
  const status = byId('audit-status', HTMLElement);
  showStatus(status, 'info', 'common.loading');
  try {
    const after = append ? (next ?? 0) : 0;
    const page = await auditEntries(s, { after, limit: PAGE, ...filters() });
    entries = append ? [...entries, ...page.entries] : page.entries;
    next = page.next;
    byId('audit-rows', HTMLTableSectionElement).replaceChildren(...entries.map(row));
    byId('audit-more', HTMLButtonElement).hidden = next === null;
    if (entries.length === 0) showStatus(status, 'info', 'audit.empty');
    else clearStatus(status);
  } catch (err) {
    showError(status, err);
  }
}

export const loadAudit = () => load(false);
export const renderAudit = () => {
  byId('audit-rows', HTMLTableSectionElement).replaceChildren(...entries.map(row));
};

/** The chosen filters; an incomplete report ID is left out rather than sent. */
function filters(): { action?: string; reportId?: string } {
  const action = byId('audit-action', HTMLSelectElement).value;
  const reportId = byId('audit-report', HTMLInputElement).value.trim();
  return {
    ...(action ? { action } : {}),
    ...(REPORT_ID.test(reportId) ? { reportId } : {}),
  };
}

function wireFilters(): void {
  const select = byId('audit-action', HTMLSelectElement);
  const report = byId('audit-report', HTMLInputElement);
  const status = byId('audit-status', HTMLElement);
  for (const key of ACTIONS)
    select.append(h('option', { i18n: key, attrs: { value: key.slice(ACTION_PREFIX.length) } }));
  byId('audit-filter', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    const id = report.value.trim();
    if (id !== '' && !REPORT_ID.test(id)) {
      report.setAttribute('aria-invalid', 'true');
      showStatus(status, 'error', 'audit.filter.badReport');
      report.focus();
      return;
    }
    report.removeAttribute('aria-invalid');
    void load(false);
  });
  byId('audit-filter-clear', HTMLButtonElement).addEventListener('click', () => {
    select.value = '';
    report.value = '';
    report.removeAttribute('aria-invalid');
    void load(false);
  });
}

export function wireAudit(): void {
  wireFilters();
  byId('audit-more', HTMLButtonElement).addEventListener('click', () => void load(true));
  const button = byId('audit-verify', HTMLButtonElement);
  const status = byId('audit-verify-status', HTMLElement);
  button.addEventListener('click', async () => {
    const s = session();
    if (!s) return;
    button.disabled = true;
    showStatus(status, 'info', 'audit.verifying');
    try {
      const check = await verifyAudit(s);
      if (check.ok)
        showStatus(status, 'success', 'audit.ok', { entries: check.entries, head: check.head });
      else
        showStatus(status, 'error', 'audit.broken', {
          entries: check.entries,
          seq: check.brokenAt,
          reason: check.reason,
        });
    } catch (err) {
      showError(status, err);
    } finally {
      button.disabled = false;
    }
  });
}
