// Opening a case (an audited act), and the work on it: download, reply, status, classification.
import { type AccessEntry, caseAccess } from '../../../src/client/admin';
import { downloadTo } from '../../../src/client/downloads';
import { grantableKeys, grantCase } from '../../../src/client/grants';
import {
  attachmentSource,
  type CaseContent,
  decryptCase,
  fetchCase,
  type SupervisorSession,
  sendReply,
  setClassification,
  setState,
} from '../../../src/client/supervisor';
import { type MessageKey, onLanguageChange, t, type Vars } from '../i18n';
import { byId, clearStatus, h, setBusy, setI18n, showStatus } from '../lib/dom';
import { diskSink } from '../lib/download';
import { pseudonymText } from '../lib/pseudonym';
import { transferBar } from '../lib/transfer';
import { type Download, type Opened, renderAccess, renderCase } from './case-view';
import { label, showError, withKey } from './session';

let current: { c: CaseContent; messages: Opened[] } | null = null;
let access: AccessEntry[] = [];
const status = () => byId('case-status', HTMLElement);

const download: Download = async (m, attachmentId, button) => {
  const s = withKey();
  if (!s || !current) return;
  const original = {
    key: button.dataset.i18n as MessageKey,
    vars: JSON.parse(button.dataset.i18nVars ?? '{}') as Vars,
  };
  button.disabled = true;
  setI18n(button, 'msg.downloading');
  try {
    // Downloading is audited like opening; the file is decrypted here, chunk by chunk, and
    // written to disk as it comes (a 2 GB file is never held whole).
    const index = m.attachments.findIndex((a) => a.id === attachmentId);
    const notes = (m.content as { files?: { name: string }[] } | null)?.files;
    const sink = await diskSink(notes?.[index]?.name ?? 'attachment');
    const bar = transferBar(button);
    try {
      const { path, options } = attachmentSource(s, current.c, m.kind, attachmentId);
      const meta = await downloadTo(s.fetcher, path, {}, options, {
        write: (bytes) => sink.write(bytes),
        onProgress: (done, total) => bar.update(done, total ?? m.attachments[index]?.size ?? 0),
      });
      await sink.close(meta.name, meta.type);
      bar.finish(meta.size);
    } catch (err) {
      await sink.abort();
      bar.remove();
      throw err;
    }
    clearStatus(status());
    void refreshAccess(current.c.id);
  } catch (err) {
    showStatus(status(), 'error', 'msg.downloadFailed');
    console.error(err);
  } finally {
    setI18n(button, original.key, original.vars);
    button.disabled = false;
  }
};

async function refreshAccess(id: string): Promise<void> {
  const s = withKey();
  if (!s) return;
  try {
    access = (await caseAccess(s, id)).entries;
    renderAccess(access);
  } catch (err) {
    showError(status(), err);
  }
}

function render(): void {
  if (!current) return;
  renderCase(current.c, current.messages, download);
  const { c } = current;
  // A unit that only has the flags works on them; the case itself is not its to move.
  byId('state-form', HTMLFormElement).hidden = !c.casePowers;
  byId('class-form', HTMLFormElement).hidden = !c.casePowers;
  byId('state-select', HTMLSelectElement).value = c.state === 'received' ? 'acknowledged' : c.state;
  const report = current.messages.find((m) => m.content?.type === 'report')?.content;
  byId('class-select', HTMLSelectElement).value =
    c.classification ?? (report?.type === 'report' ? report.category : 'other');
  syncOutcome();
}
onLanguageChange(() => {
  render();
  if (current) renderAccess(access);
});

export async function openCase(id: string): Promise<void> {
  const s = withKey();
  if (!s) return;
  current = null;
  for (const el of ['case-summary', 'case-messages', 'case-history', 'access-rows'])
    byId(el, HTMLElement).replaceChildren();
  showStatus(status(), 'info', 'sup.case.opening');
  try {
    const c = await fetchCase(s, id);
    showStatus(status(), 'info', 'sup.case.decrypting');
    current = { c, messages: await decryptCase(s, c) };
    render();
    clearStatus(status());
    await Promise.all([refreshAccess(id), loadGrantKeys(s)]);
  } catch (err) {
    showError(status(), err);
  }
}

/** The keys of the unit this case can be given to: every reading key but one's own. */
async function loadGrantKeys(s: SupervisorSession): Promise<void> {
  const select = byId('case-grant-key', HTMLSelectElement);
  const line = byId('case-grant-status', HTMLElement);
  clearStatus(line);
  try {
    const others = (await grantableKeys(s)).keys.filter((k) => k.id !== s.supervisor.id);
    select.replaceChildren(
      ...others.map((k) =>
        h(
          'option',
          { attrs: { value: k.id } },
          t('access.keyLine', {
            name: k.displayName,
            pseudonym: pseudonymText(k.pseudonym),
            role: label('role', k.role),
          }),
        ),
      ),
    );
    byId('case-grant-submit', HTMLButtonElement).hidden = others.length === 0;
    if (others.length === 0) showStatus(line, 'info', 'access.noKeys');
  } catch (err) {
    showError(line, err);
  }
}

function syncOutcome(): void {
  byId('outcome-field', HTMLElement).hidden =
    byId('state-select', HTMLSelectElement).value !== 'closed';
}

/**
 * Runs one form's action and applies its result to the case on screen. The case is not fetched
 * again: every opening is an audited act, and the access log should show real readings only.
 */
function wireForm(
  formId: string,
  statusId: string,
  doneKey: MessageKey,
  act: (s: SupervisorSession, open: NonNullable<typeof current>) => Promise<unknown> | null,
) {
  const form = byId(formId, HTMLFormElement);
  const line = byId(statusId, HTMLElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(line);
    const s = withKey();
    if (!s || !current) return;
    setBusy(form, true);
    try {
      const pending = act(s, current);
      if (!pending) return;
      await pending;
      render();
      showStatus(line, 'success', doneKey);
    } catch (err) {
      showError(line, err);
    } finally {
      setBusy(form, false);
    }
  });
}

const today = () => new Date().toISOString().slice(0, 10);

export function wireCase(): void {
  const stateSelect = byId('state-select', HTMLSelectElement);
  stateSelect.addEventListener('change', syncOutcome);
  const text = byId('reply-text', HTMLTextAreaElement);
  wireForm('reply-form', 'reply-status', 'sup.reply.sent', (s, open) => {
    const reply = text.value.trim();
    if (reply === '') {
      showStatus(byId('reply-status', HTMLElement), 'error', 'sup.reply.empty');
      text.focus();
      return null;
    }
    return sendReply(s, open.c, reply).then(({ messageId }) => {
      text.value = '';
      // Shown from what was just signed here; the server holds only the ciphertext.
      open.messages.push({
        id: messageId,
        kind: 'reply',
        day: today(),
        author: s.supervisor.pseudonym,
        ciphertext: '',
        attachments: [],
        content: { v: 1, type: 'reply', text: reply },
        verification: 'verified',
        verified: true,
        notShared: false,
      });
    });
  });
  wireForm('state-form', 'state-status', 'sup.state.saved', (s, open) => {
    const state = stateSelect.value;
    const outcome =
      state === 'closed' ? byId('outcome-select', HTMLSelectElement).value : undefined;
    return setState(s, open.c.id, state, outcome).then((done) => {
      Object.assign(open.c, { state: done.state, outcome: done.outcome });
      open.c.history.push(done);
    });
  });
  wireCaseGrant();
  wireForm('class-form', 'class-status', 'sup.class.saved', (s, open) => {
    const value = byId('class-select', HTMLSelectElement).value;
    return setClassification(s, open.c.id, value).then((done) => {
      open.c.classification = done.classification;
    });
  });
}

/** Gives the open case to the chosen key: session keys re-wrapped in this browser. */
function wireCaseGrant(): void {
  const form = byId('case-grant-form', HTMLFormElement);
  const line = byId('case-grant-status', HTMLElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(line);
    const s = withKey();
    const granteeId = byId('case-grant-key', HTMLSelectElement).value;
    if (!s || !current || !granteeId) return;
    setBusy(form, true);
    try {
      const { granted } = await grantCase(s, current.c.id, granteeId);
      if (granted === 0) showStatus(line, 'info', 'sup.grant.nothing');
      else showStatus(line, 'success', 'sup.grant.done', { count: granted });
    } catch (err) {
      showError(line, err);
    } finally {
      setBusy(form, false);
    }
  });
}

/** Drops every decrypted word from memory and from the page. */
export function closeCase(): void {
  current = null;
  access = [];
  for (const el of ['case-summary', 'case-messages', 'case-history', 'access-rows'])
    byId(el, HTMLElement).replaceChildren();
}
