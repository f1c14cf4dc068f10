// One decrypted message as a card: its fields as text only, its signature status, its files.
import type { OpenedMessage } from '../../../src/client/reporter';
import type { FileNote } from '../../../src/client/types';
import { type MessageKey, t } from '../i18n';
import { contentBody } from '../lib/content';
import { h } from '../lib/dom';
import { filesMissing } from '../lib/files-missing';
import { formatSize } from '../lib/format';

export type Download = (attachmentId: string, fromUnit: boolean, button: HTMLButtonElement) => void;

/** The names and real sizes sealed in the message, when they match the files stored with it. */
function notesOf(m: OpenedMessage): FileNote[] | null {
  const notes = (m.content as { files?: FileNote[] } | null)?.files;
  return Array.isArray(notes) && notes.length === m.attachments.length ? notes : null;
}

function files(m: OpenedMessage, fromUnit: boolean, download: Download): HTMLElement | null {
  if (m.attachments.length === 0) return null;
  const notes = notesOf(m);
  return h(
    'div',
    { class: 'attachments' },
    h('h4', { i18n: 'msg.attachments' }),
    h(
      'ul',
      {},
      ...m.attachments.map((a, i) => {
        const note = notes?.[i];
        const button = note
          ? h('button', {
              class: 'btn btn-small',
              i18n: 'msg.downloadNamed',
              attrs: { type: 'button' },
              vars: { name: note.name, size: formatSize(note.size) },
            })
          : h('button', {
              class: 'btn btn-small',
              i18n: 'msg.download',
              attrs: { type: 'button' },
              vars: { size: formatSize(a.size) },
            });
        if (!note)
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

/**
 * The reporter's own message whose files did not all arrive (an upload was stopped): said in
 * words, since the names sealed in it can no longer be matched to the files that came.
 */
function missingFiles(m: OpenedMessage): HTMLElement | null {
  // Kept: messages stored before migration 0012 can lack files; remove once no database holds any.
  const counts = m.kind === 'reply' ? null : filesMissing(m.content, m.attachments.length);
  if (!counts) return null;
  return h('p', {
    class: 'badge-line badge-error',
    attrs: { role: 'status' },
    i18n: 'msg.filesMissing',
    vars: counts,
  });
}

/** Why a reply is not shown, in words: unsigned, signed by a stranger, forged, or unreadable. */
function replyStatusKey(v: OpenedMessage['verification']): MessageKey {
  switch (v) {
    case 'unsigned':
    case 'unknown-key':
    case 'bad':
      return `msg.sig.${v}`;
    case 'undecryptable':
      return 'msg.undecryptable';
    default:
      return 'msg.unverified';
  }
}

/** `isNew` marks a reply written since the reporter's last look-up. */
export function messageCard(m: OpenedMessage, download: Download, isNew = false): HTMLLIElement {
  const fromUnit = m.kind === 'reply';
  let note: HTMLElement | null = null;
  if (fromUnit && m.verified) note = h('p', { class: 'badge-line badge-ok', i18n: 'msg.verified' });
  else if (fromUnit)
    note = h('p', {
      class: 'badge-line badge-error',
      attrs: { role: 'alert' },
      i18n: replyStatusKey(m.verification),
    });
  else if (!m.content)
    note = h('p', { class: 'badge-line badge-error', i18n: 'msg.undecryptable' });
  return h(
    'li',
    { class: `message message-${m.kind}${isNew ? ' message-new' : ''}` },
    h(
      'header',
      { class: 'message-head' },
      h(
        'h3',
        {},
        h('span', { i18n: `kind.${m.kind}` as const }),
        isNew ? h('span', { class: 'badge-new', i18n: 'msg.new' }) : null,
      ),
      h('time', { attrs: { datetime: m.day } }, m.day),
    ),
    note,
    // An unverified reply is never shown: its words could come from anyone holding the server.
    m.content && m.verified ? contentBody(m.content) : null,
    m.content && m.verified ? files(m, fromUnit, download) : null,
    m.content && m.verified ? missingFiles(m) : null,
  );
}
