// The auditor's part in the audit page: at sign-in their key signs the log's head (a checkpoint
// the portal stores and they keep), and they give the second approval keys need (four eyes).
import type { PrivateKey } from 'openpgp';
import {
  type Checkpoint,
  decideSupervisor,
  listSupervisors,
  type SignedIn,
  type SupervisorRecord,
  signCheckpoint,
} from '../../../src/client/admin';
import { t } from '../i18n';
import { byId, clearStatus, h, showStatus } from '../lib/dom';
import { formatFingerprint } from '../lib/format';
import { label, session, showError } from './session';

let kept: string | null = null;

/** Signs the current head with the auditor's key; offers the signed copy to keep. */
export async function witnessHead(s: SignedIn, key: PrivateKey): Promise<void> {
  const status = byId('checkpoint-status', HTMLElement);
  const link = byId('checkpoint-download', HTMLAnchorElement);
  byId('witness-card', HTMLElement).hidden = false;
  showStatus(status, 'info', 'audit.checkpoint.signing');
  try {
    const c: Checkpoint | null = await signCheckpoint(s, key);
    if (!c) return clearStatus(status);
    if (kept) URL.revokeObjectURL(kept);
    kept = URL.createObjectURL(
      new Blob([`${c.text}\n${c.signature}`], { type: 'text/plain;charset=utf-8' }),
    );
    link.href = kept;
    link.download = `audit-checkpoint-${c.entries}.txt`;
    link.hidden = false;
    showStatus(status, 'success', 'audit.checkpoint.done', {
      entries: String(c.entries),
      head: c.hash,
    });
  } catch (err) {
    showError(status, err);
  }
}

function approveButton(p: SupervisorRecord): HTMLButtonElement {
  const button = h('button', {
    class: 'btn btn-small btn-primary',
    i18n: 'admin.approve',
    attrs: { type: 'button', 'aria-label': `${t('admin.approve')}: ${p.displayName}` },
  });
  button.addEventListener('click', async () => {
    const s = session();
    if (!s) return;
    const status = byId('approvals-status', HTMLElement);
    button.disabled = true;
    try {
      const done = await decideSupervisor(s, p.id, 'approve');
      showStatus(
        status,
        'success',
        done.status === 'approved' ? 'admin.approved.done' : 'audit.approvals.waiting',
        { name: p.displayName },
      );
      await loadApprovals();
    } catch (err) {
      showError(status, err);
      button.disabled = false;
    }
  });
  return button;
}

/** Pending keys, for the auditor's approval (shown to auditors only). */
export async function loadApprovals(): Promise<void> {
  const s = session();
  const card = byId('approvals-card', HTMLElement);
  card.hidden = s?.supervisor.role !== 'auditor';
  if (!s || card.hidden) return;
  const list = byId('auditor-pending', HTMLElement);
  try {
    const { supervisors } = await listSupervisors(s, 'pending');
    list.replaceChildren(
      supervisors.length === 0
        ? h('p', { class: 'help', i18n: 'admin.none' })
        : h(
            'ul',
            { class: 'people' },
            ...supervisors.map((p) =>
              h(
                'li',
                { class: 'person' },
                h('strong', {}, p.displayName),
                ' ',
                label('role', p.role),
                ' ',
                h('code', {}, formatFingerprint(p.fingerprint)),
                ' ',
                approveButton(p),
              ),
            ),
          ),
    );
  } catch (err) {
    showError(byId('approvals-status', HTMLElement), err);
  }
}
