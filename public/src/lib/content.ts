// A decrypted message's content as page elements, shared by the reporter's and the supervisor's
// views. Its shape is only as trustworthy as its author, so every value goes in as text.
import type { Content } from '../../../src/client/types';
import { isMessageKey, type MessageKey, t } from '../i18n';
import { h } from './dom';

/** A label for a value that came out of a ciphertext: translated when known, raw otherwise. */
export function valueLabel(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

function field(labelKey: MessageKey, value: string | undefined): HTMLElement[] {
  if (!value) return [];
  return [h('dt', { i18n: labelKey }), h('dd', { class: 'prose' }, value)];
}

export function contentBody(content: Content): HTMLElement {
  const c = content as unknown as Record<string, unknown>;
  const str = (name: string) =>
    typeof c[name] === 'string' && c[name] !== '' ? (c[name] as string) : undefined;
  const labelled = (prefix: string, name: string) => {
    const v = str(name);
    return v === undefined ? undefined : valueLabel(prefix, v);
  };
  switch (content.type) {
    case 'report':
      return h(
        'dl',
        { class: 'fields' },
        ...field('report.category.label', labelled('category', 'category')),
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
        ...field('compose.ret.kind', labelled('retKind', 'kind')),
        ...field('compose.ret.started', str('startedOn')),
        ...field('compose.ret.details', str('details')),
      );
    default:
      return h('p', { class: 'prose' }, str('text') ?? '');
  }
}
