// One case, decrypted in this browser: summary, messages as text only, files, history, access log.
import type { AccessEntry } from '../../../src/client/admin';
import type { CaseContent, decryptCase } from '../../../src/client/supervisor';
import { type MessageKey, t } from '../i18n';
import { contentBody } from '../lib/content';
import { byId, h } from '../lib/dom';
import { filesMissing } from '../lib/files-missing';
import { formatSize } from '../lib/format';
import { pseudonymText } from '../lib/pseudonym';
import { label } from './session';

export type Opened = Awaited<ReturnType<typeof decryptCase>>[number];
export type Download = (m: Opened, attachmentId: string, button: HTMLButtonElement) => void;

function row(key: MessageKey, value: string | HTMLElement): HTMLElement[] {
  return [h('dt', { i18n: key }), h('dd', {}, value)];
}

function files(m: Opened, download: Download): HTMLElement | null {
  if (m.attachments.length === 0) return null;
  const buttons = m.attachments.map((a, i) => {
    const vars = { size: formatSize(a.size) };
    const button = h('button', {
      class: 'btn btn-small',
      i18n: 'msg.download',
      vars,
      attrs: { type: 'button', 'aria-label': `${t('msg.download', vars)} ${i + 1}` },
    });
    button.addEventListener('click', () => download(m, a.id, button));
    return h('li', {}, button);
  });
  return h(
    'div',
    { class: 'attachments' },
    h('h4', { i18n: 'msg.attachments' }),
    h('ul', {}, ...buttons),
  );
}

/**
 * When fewer files arrived than the message announces (their names are sealed inside it), the
 * message says it is incomplete rather than look whole.
 */
function missingFiles(m: Opened): HTMLElement | null {
  // Kept: messages stored before migration 0012 can lack files; remove once no database holds any.
  const counts = filesMissing(m.content, m.attachments.length);
  if (!counts) return null;
  return h('p', {
    class: 'badge-line badge-error',
    attrs: { role: 'status' },
    i18n: 'sup.msg.filesMissing',
    vars: counts,
  });
}

/** Each way a message can fail to verify, in words (pmcrypto's statuses). */
function statusKey(v: Opened['verification']): MessageKey {
  switch (v) {
    case 'undecryptable':
    case 'unsigned':
    case 'unknown-key':
    case 'bad':
      return `sup.msg.sig.${v}`;
    default:
      return 'sup.msg.unverified';
  }
}

function card(m: Opened, download: Download): HTMLLIElement {
  const author = m.kind === 'reply' ? t('sup.msg.by', { who: pseudonymText(m.author) }) : '';
  const note = m.notShared
    ? h('p', { class: 'badge-line', i18n: 'sup.msg.notShared' })
    : m.verified
      ? h('p', { class: 'badge-line badge-ok', i18n: 'sup.msg.verified' })
      : h('p', {
          class: 'badge-line badge-error',
          attrs: { role: 'alert' },
          i18n: statusKey(m.verification),
        });
  return h(
    'li',
    { class: `message message-${m.kind}` },
    h(
      'header',
      { class: 'message-head' },
      h('h3', {}, `${label('sup.kind', m.kind)}${author ? ` — ${author}` : ''}`),
      h('time', { attrs: { datetime: m.day } }, m.day),
    ),
    note,
    m.content ? contentBody(m.content) : null,
    m.content ? files(m, download) : null,
    missingFiles(m),
  );
}

function summary(c: CaseContent): HTMLElement[] {
  const state = c.outcome
    ? `${label('state', c.state)}: ${label('outcome', c.outcome)}`
    : label('state', c.state);
  const flags = c.retaliation.map((f) =>
    h(
      'li',
      {},
      t('case.flagLine', { day: f.day, state: label('flagState', f.state), due: f.dueBy }),
    ),
  );
  return [
    h(
      'dl',
      { class: 'summary' },
      ...row('sup.case.id', h('code', {}, c.id)),
      ...row('case.receivedDay', c.receivedDay),
      ...row('case.state', h('span', { class: `state state-${c.state}` }, state)),
      ...row('inbox.col.relation', label('relation', c.relation)),
      ...row('sup.class.label', label('category', c.classification)),
      ...row('sup.case.ackBy', c.acknowledgeBy),
      ...row('sup.case.feedbackBy', c.feedbackBy),
    ),
    ...(c.casePowers ? [] : [h('p', { class: 'note', i18n: 'sup.case.flagsOnly' })]),
    ...(flags.length > 0
      ? [h('h2', { class: 'h3', i18n: 'case.flags' }), h('ul', { class: 'points' }, ...flags)]
      : []),
  ];
}

export function renderCase(c: CaseContent, messages: Opened[], download: Download): void {
  byId('case-summary', HTMLElement).replaceChildren(...summary(c));
  byId('case-messages', HTMLOListElement).replaceChildren(
    ...messages.map((m) => card(m, download)),
  );
  byId('case-history', HTMLOListElement).replaceChildren(
    ...c.history.map((e) =>
      h(
        'li',
        {},
        h('time', { attrs: { datetime: e.day } }, e.day),
        ' ',
        e.outcome
          ? `${label('state', e.state)}: ${label('outcome', e.outcome)}`
          : label('state', e.state),
      ),
    ),
  );
}

export function renderAccess(entries: AccessEntry[]): void {
  byId('access-rows', HTMLTableSectionElement).replaceChildren(
    ...entries.map((e) =>
      h(
        'tr',
        {},
        h('td', {}, h('time', { attrs: { datetime: e.at } }, e.at.replace('T', ' ').slice(0, 19))),
        h('td', {}, label('audit.action', e.action)),
        h('td', {}, `${e.supervisor} (${pseudonymText(e.pseudonym)})`),
        h('td', {}, h('code', {}, (e.unitId ?? '—').slice(0, 8))),
      ),
    ),
  );
}
