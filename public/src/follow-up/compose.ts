// The two forms under a case: add information, and flag retaliation; each with evidence files.
import { callApi, jsonInit } from '../../../src/client/api';
import { RETALIATION_KINDS, type RetaliationContent } from '../../../src/client/types';
import { sealJson } from '../../../src/crypto';
import type { MessageKey, Vars } from '../i18n';
import { browserFetch, describeError } from '../lib/api';
import { sendFiles } from '../lib/attachments';
import { byId, clearStatus, setBusy, showStatus } from '../lib/dom';
import { FilePicker } from '../lib/files';
import type { CaseSession } from './session';

export interface Sent {
  key: MessageKey;
  vars?: Vars;
}
type Post = (s: CaseSession) => Promise<{ messageId: string; recipients: string[] }>;

const isKind = (v: string): v is RetaliationContent['kind'] =>
  (RETALIATION_KINDS as readonly string[]).includes(v);

/** Wires one form: validate, seal, post, send files, then hand over so the case is reloaded. */
function wire(
  prefix: 'message' | 'ret',
  sentKey: MessageKey,
  validate: () => HTMLElement | null,
  post: Post,
  session: () => CaseSession | null,
  afterSend: (sent: Sent) => Promise<void>,
): void {
  const form = byId(`${prefix}-form`, HTMLFormElement);
  const progress = byId(`${prefix}-progress`, HTMLElement);
  const error = byId(`${prefix}-error`, HTMLElement);
  const picker = new FilePicker(
    byId(`${prefix}-files`, HTMLInputElement),
    byId(`${prefix}-file-list`, HTMLUListElement),
    byId(`${prefix}-files-status`, HTMLElement),
  );
  const step = (key: MessageKey, vars?: Vars) => showStatus(progress, 'info', key, vars);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(error);
    const s = session();
    const bad = validate();
    if (bad || !s) {
      bad?.setAttribute('aria-invalid', 'true');
      showStatus(error, 'error', prefix === 'ret' ? 'compose.ret.error' : 'compose.message.error');
      bad?.focus();
      return;
    }
    setBusy(form, true);
    try {
      const files = await picker.read();
      step('progress.encrypt');
      const { messageId, recipients } = await post(s);
      const target = { lookupToken: s.lookupToken, messageId, recipients, signingKey: s.key };
      const failed = await sendFiles(target, files, step);
      form.reset();
      picker.clear();
      await afterSend(
        failed.length > 0
          ? { key: 'compose.filesFailed', vars: { names: failed.join(', ') } }
          : { key: sentKey },
      );
    } catch (err) {
      const advice = describeError(err);
      showStatus(error, 'error', advice.key, advice.vars);
    } finally {
      clearStatus(progress);
      setBusy(form, false);
    }
  });
}

const textOf = (id: string) =>
  byId(id, HTMLElement) as HTMLTextAreaElement | HTMLInputElement | HTMLSelectElement;

export function wireCompose(
  session: () => CaseSession | null,
  afterSend: (sent: Sent) => Promise<void>,
): void {
  const text = textOf('message-text');
  wire(
    'message',
    'compose.message.sent',
    () => (text.value.trim() === '' ? text : null),
    async (s) => {
      const recipients = s.view.recipients.messages;
      const message = await sealJson(
        { v: 1, type: 'message', text: text.value.trim() },
        { recipients, signingKey: s.key },
      );
      const headers = { 'x-lookup-token': s.lookupToken };
      const { messageId } = await callApi<{ messageId: string }>(
        browserFetch,
        '/api/receipt/messages',
        jsonInit({ message }, headers),
      );
      return { messageId, recipients };
    },
    session,
    afterSend,
  );

  const kind = textOf('ret-kind');
  const details = textOf('ret-details');
  wire(
    'ret',
    'compose.ret.sent',
    () => (!isKind(kind.value) ? kind : details.value.trim() === '' ? details : null),
    async (s) => {
      // Retaliation goes to a wider circle (the unit above too), as the server lists it.
      const recipients = s.view.recipients.retaliation;
      const content: RetaliationContent = {
        v: 1,
        type: 'retaliation',
        kind: isKind(kind.value) ? kind.value : 'other',
        startedOn: textOf('ret-started').value,
        details: details.value.trim(),
      };
      const sealed = await sealJson(content, { recipients, signingKey: s.key });
      const headers = { 'x-lookup-token': s.lookupToken };
      const { messageId } = await callApi<{ messageId: string }>(
        browserFetch,
        '/api/receipt/retaliation',
        jsonInit({ details: sealed }, headers),
      );
      return { messageId, recipients };
    },
    session,
    afterSend,
  );
}
