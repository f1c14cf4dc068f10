// The two forms under a case: add information, and flag retaliation; each with evidence files,
// sent through the shared client so a failed file never loses the message itself.
import { ApiError } from '../../../src/client/api';
import { type FileOptions, flagRetaliation, sendMessage } from '../../../src/client/reporter';
import { RETALIATION_KINDS, type RetaliationContent } from '../../../src/client/types';
import type { FileSource } from '../../../src/client/uploads';
import type { MessageKey, Vars } from '../i18n';
import { describeError } from '../lib/api';
import { byId, clearStatus, setBusy, showStatus } from '../lib/dom';
import { FilePicker } from '../lib/files';
import { type FieldCheck, FormErrors } from '../lib/form-errors';
import { hideBar, progressLine } from '../lib/progress';
import { xhrUpload } from '../lib/upload';
import { followUpSealer } from '../report/sealer';
import type { CaseSession } from './session';

export interface Sent {
  key: MessageKey;
  vars?: Vars;
}
type Post = (
  s: CaseSession,
  files: FileSource[],
  options: FileOptions,
) => Promise<{ messageId: string; failedFiles: string[] }>;

const isKind = (v: string): v is RetaliationContent['kind'] =>
  (RETALIATION_KINDS as readonly string[]).includes(v);

const textOf = (id: string) =>
  byId(id, HTMLElement) as HTMLTextAreaElement | HTMLInputElement | HTMLSelectElement;

/** A check that the field `id` is filled in (its error line is `<id>-error`). */
const filled = (id: string, key: MessageKey, unless = () => false): FieldCheck => ({
  target: () => textOf(id),
  error: byId(`${id}-error`, HTMLElement),
  check: () => (textOf(id).value.trim() === '' && !unless() ? key : null),
});

/** Wires one form: check every field, then seal, post and send files, then reload the case. */
function wire(
  prefix: 'message' | 'ret',
  sentKey: MessageKey,
  checks: (picker: FilePicker) => FieldCheck[],
  post: Post,
  session: () => CaseSession | null,
  afterSend: (sent: Sent) => Promise<void>,
  seal: FileOptions['seal'],
  afterFailure: () => Promise<void>,
): void {
  const form = byId(`${prefix}-form`, HTMLFormElement);
  const progress = byId(`${prefix}-progress`, HTMLElement);
  const bar = byId(`${prefix}-bar`, HTMLProgressElement);
  const error = byId(`${prefix}-error`, HTMLElement);
  const picker = new FilePicker(
    byId(`${prefix}-files`, HTMLInputElement),
    byId(`${prefix}-file-list`, HTMLUListElement),
    byId(`${prefix}-files-status`, HTMLElement),
  );
  const errors = new FormErrors(prefix, checks(picker));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearStatus(error);
    const s = session();
    if (!errors.validate() || !s) return;
    setBusy(form, true);
    try {
      const files = picker.sources();
      showStatus(progress, 'info', 'progress.encrypt');
      // Sent as the report's files are: with progress, and a stalled chunk given up and retried.
      const { failedFiles } = await post(s, files, {
        progress: progressLine(progress, 'progress.pow', undefined, bar),
        upload: xhrUpload,
        ...(seal ? { seal } : {}),
      });
      // Sent: the words live only in the ciphertext now, so nothing is left in the form.
      form.reset();
      picker.clear();
      await afterSend(
        failedFiles.length > 0
          ? { key: 'compose.filesFailed', vars: { names: failedFiles.join(', ') } }
          : { key: sentKey },
      );
    } catch (err) {
      const advice = describeError(err);
      // With files, the message itself may be stored and waiting for them: say so, and offer
      // to finish it (with the same files) rather than sending it twice.
      const waits = picker.count > 0 && !(err instanceof ApiError && err.status === 429);
      if (waits) await afterFailure();
      if (waits) showStatus(error, 'error', 'compose.unfinished');
      else showStatus(error, 'error', advice.key, advice.vars);
    } finally {
      clearStatus(progress);
      hideBar(bar);
      setBusy(form, false);
    }
  });
}

export function wireCompose(
  session: () => CaseSession | null,
  afterSend: (sent: Sent) => Promise<void>,
  afterFailure: () => Promise<void>,
): void {
  // Files are sealed off the page's thread, as the report's are.
  const seal = followUpSealer();
  const text = textOf('message-text');
  wire(
    'message',
    'compose.message.sent',
    // Files alone are a message too: a few words are welcome but not required.
    (picker) => [filled('message-text', 'compose.message.error', () => picker.count > 0)],
    (s, files, options) => sendMessage(s, text.value.trim(), files, options),
    session,
    afterSend,
    seal,
    afterFailure,
  );

  const kind = textOf('ret-kind');
  const details = textOf('ret-details');
  wire(
    'ret',
    'compose.ret.sent',
    () => [
      {
        target: () => kind,
        error: byId('ret-kind-error', HTMLElement),
        check: () => (isKind(kind.value) ? null : 'compose.ret.error.kind'),
      },
      filled('ret-details', 'compose.ret.error.details'),
    ],
    // Retaliation goes to a wider circle (the unit above too); the shared client picks the keys.
    (s, files, options) =>
      flagRetaliation(
        s,
        {
          kind: isKind(kind.value) ? kind.value : 'other',
          startedOn: textOf('ret-started').value,
          details: details.value.trim(),
        },
        files,
        options,
      ),
    session,
    afterSend,
    seal,
    afterFailure,
  );
}
