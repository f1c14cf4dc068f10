// Access to cases: grant every case this key reads to a colleague's key, the unit's recovery key or
// one's own replacement key, with progress. Where it stands is saved after each case (case IDs and
// the grantee only, never content), so a reload or a lost connection resumes where it stopped.
import {
  type BulkGrantState,
  type GrantableKey,
  grantAll,
  grantableKeys,
} from '../../../src/client/grants';
import { t } from '../i18n';
import { byId, clearStatus, h, setBusy, showStatus } from '../lib/dom';
import { pseudonymText } from '../lib/pseudonym';
import { label, session, showError, withKey } from './session';

const STORE = 'portal.bulkGrant';

let keys: GrantableKey[] = [];
/** Cases of the unit its recovery key cannot read yet (the server counts them). */
let recoveryBacklog = 0;

interface Saved extends BulkGrantState {
  /** The granter, so another person signing in on this device never resumes it. */
  granterId: string;
}

function saved(): Saved | null {
  try {
    const value = JSON.parse(localStorage.getItem(STORE) ?? 'null') as Saved | null;
    return value && value.granterId === session()?.supervisor.id ? value : null;
  } catch {
    return null;
  }
}

const save = (state: Saved | null) =>
  state ? localStorage.setItem(STORE, JSON.stringify(state)) : localStorage.removeItem(STORE);

function keyOption(k: GrantableKey, checked: boolean): HTMLElement {
  const me = k.id === session()?.supervisor.id;
  const input = h('input', {
    attrs: { type: 'radio', name: 'grantee', id: `grantee-${k.id}`, value: k.id },
  });
  input.checked = checked;
  input.disabled = me;
  const text = me
    ? t('access.you', { name: k.displayName })
    : t('access.keyLine', {
        name: k.displayName,
        pseudonym: pseudonymText(k.pseudonym),
        role: label('role', k.role),
      });
  return h(
    'div',
    { class: 'choice' },
    input,
    h('label', { attrs: { for: `grantee-${k.id}` } }, text),
  );
}

/** Offers to grant the older cases to a recovery key set after they arrived. */
function renderBacklog(): void {
  const recovery = keys.find((k) => k.role === 'recovery');
  const offer = byId('recovery-backlog', HTMLElement);
  offer.hidden = !recovery || recoveryBacklog === 0;
  if (!offer.hidden)
    byId('recovery-backlog-text', HTMLElement).textContent = t('access.recovery.backlog', {
      count: recoveryBacklog,
    });
}

function render(): void {
  renderBacklog();
  const resume = saved();
  const others = keys.filter((k) => k.id !== session()?.supervisor.id);
  const list = byId('grant-keys', HTMLElement);
  if (others.length === 0) list.replaceChildren(h('p', { class: 'help', i18n: 'access.noKeys' }));
  else list.replaceChildren(...keys.map((k) => keyOption(k, k.id === resume?.granteeId)));
  byId('grant-start', HTMLButtonElement).hidden = others.length === 0;
  const note = byId('grant-resume', HTMLElement);
  const grantee = keys.find((k) => k.id === resume?.granteeId);
  if (resume && grantee) {
    showStatus(note, 'info', 'access.resume', {
      name: grantee.displayName,
      done: resume.done.length,
    });
    byId('grant-start', HTMLButtonElement).textContent = t('access.resumeButton');
  } else {
    clearStatus(note);
    byId('grant-start', HTMLButtonElement).textContent = t('access.start');
  }
}

export async function loadAccess(): Promise<void> {
  const s = session();
  if (!s) return;
  try {
    ({ keys, recoveryBacklog } = await grantableKeys(s));
    render();
  } catch (err) {
    showError(byId('grant-status', HTMLElement), err);
  }
}
export const renderAccess = render;

async function run(granteeId: string): Promise<void> {
  const s = withKey();
  if (!s) return;
  const status = byId('grant-status', HTMLElement);
  const bar = byId('grant-progress', HTMLProgressElement);
  const previous = saved();
  const start: Saved =
    previous?.granteeId === granteeId
      ? previous
      : { granterId: s.supervisor.id, granteeId, done: [], failed: [] };
  save(start);
  const result = await grantAll(s, start, (state, step) => {
    save({ ...state, granterId: s.supervisor.id });
    bar.max = Math.max(step.total, 1);
    bar.value = step.done;
    showStatus(status, 'info', 'access.step', step);
  });
  const total = Number(bar.max);
  if (result.failed.length > 0) {
    save({ ...result, granterId: s.supervisor.id });
    showStatus(status, 'error', 'access.failed', { count: result.failed.length });
  } else {
    save(null);
    showStatus(status, 'success', 'access.done', { done: result.done.length, total });
  }
  render();
  // The recovery key's count is the server's: ask again after a run.
  await loadAccess();
}

export function wireAccess(): void {
  const form = byId('grant-form', HTMLFormElement);
  byId('recovery-backlog-grant', HTMLButtonElement).addEventListener('click', () => {
    const recovery = keys.find((k) => k.role === 'recovery');
    const input = recovery && byId(`grantee-${recovery.id}`, HTMLInputElement);
    if (!input) return;
    input.checked = true;
    form.requestSubmit();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = byId('grant-status', HTMLElement);
    const chosen = form.querySelector<HTMLInputElement>('input[name="grantee"]:checked');
    if (!chosen) {
      showStatus(status, 'error', 'access.choose');
      return;
    }
    setBusy(form, true);
    try {
      await run(chosen.value);
    } catch (err) {
      showError(status, err);
    } finally {
      setBusy(form, false);
    }
  });
}
