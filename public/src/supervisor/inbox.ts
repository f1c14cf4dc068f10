// The inbox: cases of the unit, open retaliation flags first (the server orders), paged by cursor.
import { type InboxPage, inbox } from '../../../src/client/supervisor';
import { type MessageKey, t } from '../i18n';
import { byId, clearStatus, h, showStatus } from '../lib/dom';
import { label, session, showError } from './session';

type Item = InboxPage['items'][number];

let items: Item[] = [];
let cursor: string | null = null;

function badges(item: Item): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (item.overdue) out.push(h('span', { class: 'badge badge-late', i18n: 'inbox.overdue' }));
  if (item.openRetaliation)
    out.push(h('span', { class: 'badge badge-retaliation', i18n: 'inbox.retaliation' }));
  return out;
}

function row(item: Item): HTMLTableRowElement {
  const state = item.outcome
    ? `${label('state', item.state)}: ${label('outcome', item.outcome)}`
    : label('state', item.state);
  // On a phone the rows stack, each cell led by its column's name (CSS reads data-label).
  const cell = (col: string) => ({ attrs: { 'data-label': t(`inbox.col.${col}` as MessageKey) } });
  return h(
    'tr',
    { class: item.openRetaliation ? 'row-priority' : undefined },
    h(
      'td',
      cell('case'),
      h(
        'a',
        {
          attrs: {
            href: `#case/${encodeURIComponent(item.id)}`,
            'aria-label': t('inbox.openCase', { id: item.id.slice(0, 8) }),
          },
        },
        h('code', {}, item.id.slice(0, 8)),
      ),
      ' ',
      ...badges(item),
    ),
    h(
      'td',
      cell('received'),
      h('time', { attrs: { datetime: item.receivedDay } }, item.receivedDay),
    ),
    h('td', cell('state'), h('span', { class: `state state-${item.state}` }, state)),
    h('td', cell('due'), item.due ?? '—'),
    h('td', cell('relation'), label('relation', item.relation)),
    h('td', cell('classification'), label('category', item.classification)),
  );
}

function render(): void {
  byId('inbox-rows', HTMLTableSectionElement).replaceChildren(...items.map(row));
  byId('inbox-more', HTMLButtonElement).hidden = cursor === null;
  const status = byId('inbox-status', HTMLElement);
  if (items.length === 0) showStatus(status, 'info', 'inbox.empty');
  else clearStatus(status);
}

async function load(append: boolean): Promise<void> {
  // Listing needs no key: after a GnuPG sign-in the inbox works, only decrypting needs the file.
  const s = session();
  if (!s) return;
  const status = byId('inbox-status', HTMLElement);
  const state = byId('inbox-state', HTMLSelectElement).value || undefined;
  showStatus(status, 'info', 'common.loading');
  try {
    const page = await inbox(s, { state, cursor: append ? (cursor ?? undefined) : undefined });
    items = append ? [...items, ...page.items] : page.items;
    cursor = page.nextCursor;
    render();
  } catch (err) {
    showError(status, err);
  }
}

export const loadInbox = () => load(false);
export const renderInbox = render;

export function wireInbox(): void {
  byId('inbox-filter', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    void load(false);
  });
  byId('inbox-more', HTMLButtonElement).addEventListener('click', () => void load(true));
}
