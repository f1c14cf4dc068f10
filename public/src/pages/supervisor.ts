// The supervisors' page: sign in with a key that stays here, then inbox and cases, administration
// or the audit trail, depending on the role. Views follow the address's #fragment.
import { currentSession } from '../../../src/client/admin';
import { signOut } from '../../../src/client/supervisor';
import { onLanguageChange } from '../i18n';
import { browserFetch } from '../lib/api';
import { byId, clearStatus, showStatus } from '../lib/dom';
import { formatFingerprint } from '../lib/format';
import { pseudonymText } from '../lib/pseudonym';
import { initShell } from '../lib/shell';
import { loadAccess, renderAccess, wireAccess } from '../supervisor/access';
import { loadAdmin, wireAdmin } from '../supervisor/admin';
import { loadAudit, renderAudit, wireAudit } from '../supervisor/audit';
import { closeCase, openCase, wireCase } from '../supervisor/case-page';
import { wireGpgSignIn } from '../supervisor/gpg-sign-in';
import { loadInbox, renderInbox, wireInbox } from '../supervisor/inbox';
import {
  loadAccount,
  loadDeletionWarnings,
  loadRetentionAdmin,
  wireAccount,
  wireHold,
  wireRetentionAdmin,
} from '../supervisor/months';
import { loadRetaliation, renderRetaliation, wireRetaliation } from '../supervisor/retaliation';
import { label, onSessionExpired, type Signed, session, setSession } from '../supervisor/session';
import { resetSignIn, wireSignIn } from '../supervisor/sign-in';
import { loadStats, renderStats } from '../supervisor/stats';
import { loadApprovals, witnessHead } from '../supervisor/witness';

// No quick exit here: Escape twice must not wipe a supervisor's half-written reply.
initShell({ quickExit: false });

const VIEWS = [
  'signin-view',
  'inbox-view',
  'case-view',
  'retaliation-view',
  'access-view',
  'stats-view',
  'admin-view',
  'audit-view',
  'account-view',
] as const;
type View = (typeof VIEWS)[number];

function show(view: View): void {
  for (const id of VIEWS) byId(id, HTMLElement).hidden = id !== view;
  if (view !== 'case-view') closeCase();
  const heading = byId(view, HTMLElement).querySelector<HTMLElement>('h1');
  heading?.focus();
}

const can = (s: Signed, what: 'cases' | 'admin' | 'audit') =>
  what === 'cases'
    ? s.supervisor.role === 'supervisor'
    : what === 'admin'
      ? s.supervisor.role === 'admin'
      : s.supervisor.role !== 'supervisor';
// Retaliation flags belong with the cases; statistics with administration.

function renderChrome(): void {
  const s = session();
  byId('sign-out', HTMLButtonElement).hidden = !s;
  byId('work-nav', HTMLElement).hidden = !s;
  const who = byId('who', HTMLElement);
  if (!s) {
    clearStatus(who);
    return;
  }
  byId('nav-inbox-item', HTMLElement).hidden = !can(s, 'cases');
  byId('nav-retaliation-item', HTMLElement).hidden = !can(s, 'cases');
  byId('nav-access-item', HTMLElement).hidden = !can(s, 'cases');
  byId('nav-admin-item', HTMLElement).hidden = !can(s, 'admin');
  byId('nav-stats-item', HTMLElement).hidden = !can(s, 'admin');
  byId('nav-audit-item', HTMLElement).hidden = !can(s, 'audit');
  byId('nav-account-item', HTMLElement).hidden = !s;
  showStatus(who, 'info', 'sup.who', {
    name: s.supervisor.displayName,
    role: label('role', s.supervisor.role),
    pseudonym: pseudonymText(s.supervisor.pseudonym),
    fingerprint: formatFingerprint(s.supervisor.fingerprint),
  });
  const route = location.hash.split('/')[0];
  for (const [id, hash] of [
    ['nav-inbox', '#inbox'],
    ['nav-retaliation', '#retaliation'],
    ['nav-access', '#access'],
    ['nav-admin', '#admin'],
    ['nav-stats', '#stats'],
    ['nav-audit', '#audit'],
    ['nav-account', '#account'],
  ]) {
    const link = byId(id ?? '', HTMLAnchorElement);
    if (hash === route || (hash === '#inbox' && route === '#case'))
      link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** Shows the view the address asks for, when the role allows it; otherwise the role's home. */
function route(): void {
  renderChrome();
  const s = session();
  const resume = byId('resume-note', HTMLElement);
  if (!s) {
    show('signin-view');
    return;
  }
  const [place, id] = location.hash.slice(1).split('/');
  // Granting re-wraps session keys, so it needs the key in memory as much as reading does.
  if (can(s, 'cases') && !s.key && (!s.keyless || place === 'case' || place === 'access')) {
    // Signed in, but without the key in this page's memory: gone with a reload, or never here
    // after a GnuPG sign-in. Lists work without it; decrypting a case needs it.
    if (s.keyless) showStatus(resume, 'info', 'sup.signIn.needKey');
    else showStatus(resume, 'info', 'sup.signIn.resume', { name: s.supervisor.displayName });
    show('signin-view');
    return;
  }
  clearStatus(resume);
  if (place === 'case' && id && can(s, 'cases')) {
    show('case-view');
    void openCase(decodeURIComponent(id));
    return;
  }
  if (place === 'retaliation' && can(s, 'cases')) {
    show('retaliation-view');
    void loadRetaliation();
    return;
  }
  if (place === 'access' && can(s, 'cases')) {
    show('access-view');
    void loadAccess();
    return;
  }
  if (place === 'stats' && can(s, 'admin')) {
    show('stats-view');
    void loadStats();
    return;
  }
  if (place === 'admin' && can(s, 'admin')) {
    show('admin-view');
    void loadAdmin();
    void loadRetentionAdmin().catch(() => undefined);
    return;
  }
  if (place === 'account') {
    show('account-view');
    void loadAccount();
    return;
  }
  if (place === 'audit' && can(s, 'audit')) {
    show('audit-view');
    void loadAudit();
    void loadApprovals();
    return;
  }
  if (can(s, 'cases')) {
    show('inbox-view');
    void loadInbox();
    void loadDeletionWarnings();
    return;
  }
  location.replace(can(s, 'admin') ? '#admin' : '#audit');
}

window.addEventListener('hashchange', route);
onLanguageChange(() => {
  renderChrome();
  renderInbox();
  renderRetaliation();
  renderAccess();
  renderStats();
  renderAudit();
});
onSessionExpired(() => {
  setSession(null);
  route();
  showStatus(byId('signin-error', HTMLElement), 'error', 'sup.signIn.expired');
});

wireSignIn((signed) => {
  setSession(signed);
  route();
  // An auditor's key signs the head of the log at each sign-in: a witness kept outside.
  if (signed.supervisor.role === 'auditor' && signed.key) void witnessHead(signed, signed.key);
});
wireGpgSignIn((signed) => {
  setSession(signed);
  route();
});
wireInbox();
wireRetaliation();
wireAccess();
wireCase();
wireHold();
wireAccount();
wireRetentionAdmin();
wireAdmin();
wireAudit();

byId('sign-out', HTMLButtonElement).addEventListener('click', async () => {
  const s = session();
  setSession(null);
  resetSignIn();
  try {
    if (s) await signOut(s);
  } finally {
    // A fresh page drops the unlocked key and every decrypted word from memory.
    location.replace('/supervisor');
  }
});

currentSession(browserFetch)
  .then((me) => setSession(me ? { ...me, key: null } : null))
  .catch(() => setSession(null))
  .finally(route);
