// Retaliation flags of the unit and of the units below it: open ones first (soonest due), each
// moved forward step by step — acknowledged, protective measures taken, resolved — never back.
import {
  FLAG_STATES,
  type FlagState,
  type RetaliationFlag,
  retaliationFlags,
  setFlagState,
} from '../../../src/client/supervisor';
import { type MessageKey, t } from '../i18n';
import { byId, clearStatus, h, showStatus } from '../lib/dom';
import { label, session, showError } from './session';

let flags: RetaliationFlag[] = [];
/** The flag whose "resolved" step waits for a second, confirming click. */
let confirming: string | null = null;

const STEP: Record<Exclude<FlagState, 'received'>, MessageKey> = {
  acknowledged: 'ret.do.acknowledged',
  measures_taken: 'ret.do.measures_taken',
  resolved: 'ret.do.resolved',
};

const status = () => byId('ret-status', HTMLElement);
const list = () => byId('ret-list', HTMLUListElement);
const isOpen = (f: RetaliationFlag) => f.state !== 'resolved';

function nextState(f: RetaliationFlag): Exclude<FlagState, 'received'> | null {
  const next = FLAG_STATES[FLAG_STATES.indexOf(f.state) + 1];
  return next && next !== 'received' ? next : null;
}

function dl(...pairs: [MessageKey, Node | string][]): HTMLElement {
  return h(
    'dl',
    { class: 'summary' },
    ...pairs.flatMap(([key, value]) => [h('dt', { i18n: key }), h('dd', {}, value)]),
  );
}

const day = (d: string) => h('time', { attrs: { datetime: d } }, d);

function actions(f: RetaliationFlag): HTMLElement {
  const next = nextState(f);
  const box = h('div', { class: 'actions actions-tight' });
  if (next && confirming === f.id) {
    // Resolving closes the flag for good, so the step waits for this second click.
    box.append(
      h('p', { class: 'confirm', attrs: { id: `confirm-${f.id}` }, i18n: 'ret.confirm' }),
      h('button', {
        class: 'btn btn-warning',
        i18n: 'ret.confirmYes',
        attrs: {
          type: 'button',
          'data-flag': f.id,
          'data-to': 'resolved',
          'aria-describedby': `confirm-${f.id}`,
        },
      }),
      h('button', {
        class: 'btn',
        i18n: 'ret.confirmNo',
        attrs: { type: 'button', 'data-flag': f.id, 'data-cancel': '1' },
      }),
    );
  } else if (next) {
    box.append(
      h('button', {
        class: next === 'resolved' ? 'btn' : 'btn btn-primary',
        i18n: STEP[next],
        attrs: {
          type: 'button',
          'data-flag': f.id,
          'data-to': next,
          'data-confirm': next === 'resolved' ? '1' : '',
          'aria-describedby': `flag-${f.id}`,
        },
      }),
    );
    // Protective measures may be skipped: a flag can also be resolved straight from "acknowledged".
    if (next === 'measures_taken')
      box.append(
        h('button', {
          class: 'btn',
          i18n: STEP.resolved,
          attrs: {
            type: 'button',
            'data-flag': f.id,
            'data-to': 'resolved',
            'data-confirm': '1',
            'aria-describedby': `flag-${f.id}`,
          },
        }),
      );
  }
  box.append(
    h('a', {
      class: 'btn btn-quiet',
      i18n: 'ret.openCase',
      vars: { id: f.reportId.slice(0, 8) },
      attrs: { href: `#case/${encodeURIComponent(f.reportId)}` },
    }),
  );
  return box;
}

function item(f: RetaliationFlag): HTMLLIElement {
  const badges: HTMLElement[] = [];
  if (f.overdue) badges.push(h('span', { class: 'badge badge-late', i18n: 'inbox.overdue' }));
  badges.push(
    h(
      'span',
      { class: `badge ${isOpen(f) ? 'badge-retaliation' : 'badge-ok'}` },
      label('retState', f.state),
    ),
  );
  const caseState = label('state', f.caseState);
  return h(
    'li',
    { class: `card flag${f.overdue ? ' flag-late' : ''}`, attrs: { 'data-flag-id': f.id } },
    h(
      'h2',
      { class: 'h3', attrs: { id: `flag-${f.id}`, tabindex: '-1' } },
      t('ret.flagOf', { day: f.day, id: f.reportId.slice(0, 8) }),
    ),
    h('p', { class: 'flag-badges' }, ...badges),
    dl(
      ['ret.received', day(f.day)],
      ['ret.dueBy', day(f.dueBy)],
      [
        'ret.age',
        t(f.resolvedDay ? 'ret.ageResolved' : 'ret.ageDays', {
          days: f.ageDays,
          day: f.resolvedDay ?? '',
        }),
      ],
      ['ret.relation', label('relation', f.relation)],
      ['ret.caseState', caseState],
      ['ret.state', label('retState', f.state)],
      ...(f.acknowledgedDay
        ? ([['ret.acknowledgedDay', day(f.acknowledgedDay)]] as [MessageKey, Node][])
        : []),
    ),
    actions(f),
  );
}

function render(): void {
  const sorted = [...flags].sort(
    (a, b) => Number(!isOpen(a)) - Number(!isOpen(b)) || a.dueBy.localeCompare(b.dueBy),
  );
  list().replaceChildren(...sorted.map(item));
}

export async function loadRetaliation(): Promise<void> {
  const s = session();
  if (!s) return;
  confirming = null;
  showStatus(status(), 'info', 'common.loading');
  try {
    flags = (await retaliationFlags(s, { all: byId('ret-all', HTMLInputElement).checked })).flags;
    render();
    if (flags.length === 0) showStatus(status(), 'info', 'ret.empty');
    else clearStatus(status());
  } catch (err) {
    showError(status(), err);
  }
}

export const renderRetaliation = render;

function focusFlag(id: string, selector: string): void {
  const el = list().querySelector<HTMLElement>(`[data-flag-id="${id}"] ${selector}`);
  el?.focus();
}

async function move(id: string, to: FlagState, button: HTMLButtonElement): Promise<void> {
  const s = session();
  const flag = flags.find((f) => f.id === id);
  if (!s || !flag) return;
  button.disabled = true;
  try {
    const done = await setFlagState(s, id, to);
    flag.state = done.state;
    flag.acknowledgedDay ??= done.day;
    flag.overdue = false; // only a flag still "received" can be late
    if (done.state === 'resolved') flag.resolvedDay = done.day;
    confirming = null;
    render();
    showStatus(status(), 'success', 'ret.moved', {
      id: flag.reportId.slice(0, 8),
      state: label('retState', done.state),
    });
    focusFlag(id, 'h2');
  } catch (err) {
    button.disabled = false;
    showError(status(), err);
  }
}

export function wireRetaliation(): void {
  byId('ret-all', HTMLInputElement).addEventListener('change', () => void loadRetaliation());
  byId('ret-filter', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    void loadRetaliation();
  });
  list().addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-flag]');
    if (!button) return;
    const id = button.dataset.flag ?? '';
    if (button.dataset.cancel) {
      confirming = null;
      render();
      focusFlag(id, 'button[data-confirm="1"]');
      return;
    }
    const to = button.dataset.to as FlagState;
    if (button.dataset.confirm === '1') {
      confirming = id;
      render();
      focusFlag(id, 'button.btn-warning');
      return;
    }
    void move(id, to, button);
  });
}
