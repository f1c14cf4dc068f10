// One decrypted message as a card: its fields as text only, its signature status, its files.
import type { OpenedMessage } from '../../../src/client/reporter';
import type { Content } from '../../../src/client/types';
import { isMessageKey, type MessageKey, t } from '../i18n';
import { h } from '../lib/dom';
import { formatSize } from '../lib/format';

export type Download = (attachmentId: string, fromUnit: boolean, button: HTMLButtonElement) => void;

/** A label for a value that came out of a ciphertext: translated when known, raw otherwise. */
function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

function field(labelKey: MessageKey, value: string | undefined): HTMLElement[] {
  if (!value) return [];
  return [h('dt', { i18n: labelKey }), h('dd', { class: 'prose' }, value)];
}

/** Renders content whose shape is only as trustworthy as its author: every value goes to text. */
function body(content: Content): HTMLElement {
  const c = content as unknown as Record<string, unknown>;
  const str = (name: string) => (typeof c[name] === 'string' ? (c[name] as string) : undefined);
  switch (content.type) {
    case 'report':
      return h(
        'dl',
        { class: 'fields' },
        ...field('report.category.label', label('category', str('category') ?? '')),
        ...field('report.what.label', str('whatHappened')),
        ...field('report.when.label', str('when')),
        ...field('report.where.label', str('where')),
        ...field('report.who.label', str('who')),
        ...field('report.how.label', str('howKnown')),
      );
    case 'retaliation':
      return h(
        'dl',
        { class: 'fields' },
        ...field('compose.ret.kind', label('retKind', str('kind') ?? '')),
        ...field('compose.ret.started', str('startedOn')),
        ...field('compose.ret.details', str('details')),
      );
    default:
      return h('p', { class: 'prose' }, str('text') ?? '');
  }
}

function files(m: OpenedMessage, fromUnit: boolean, download: Download): HTMLElement | null {
  if (m.attachments.length === 0) return null;
  return h(
    'div',
    { class: 'attachments' },
    h('h4', { i18n: 'msg.attachments' }),
    h(
      'ul',
      {},
      ...m.attachments.map((a, i) => {
        const button = h('button', {
          class: 'btn btn-small',
          i18n: 'msg.download',
          attrs: { type: 'button' },
          vars: { size: formatSize(a.size) },
        });
        button.setAttribute(
          'aria-label',
          `${t('msg.download', { size: formatSize(a.size) })} ${i + 1}`,
        );
        button.addEventListener('click', () => download(a.id, fromUnit, button));
        return h('li', {}, button);
      }),
    ),
  );
}

export function messageCard(m: OpenedMessage, download: Download): HTMLLIElement {
  const fromUnit = m.kind === 'reply';
  let note: HTMLElement | null = null;
  if (fromUnit && m.verified) note = h('p', { class: 'badge-line badge-ok', i18n: 'msg.verified' });
  else if (fromUnit)
    note = h('p', {
      class: 'badge-line badge-error',
      attrs: { role: 'alert' },
      i18n: 'msg.unverified',
    });
  else if (!m.content)
    note = h('p', { class: 'badge-line badge-error', i18n: 'msg.undecryptable' });
  return h(
    'li',
    { class: `message message-${m.kind}` },
    h(
      'header',
      { class: 'message-head' },
      h('h3', { i18n: `kind.${m.kind}` as const }),
      h('time', { attrs: { datetime: m.day } }, m.day),
    ),
    note,
    // An unverified reply is never shown: its words could come from anyone holding the server.
    m.content && m.verified ? body(m.content) : null,
    m.content && m.verified ? files(m, fromUnit, download) : null,
  );
}
