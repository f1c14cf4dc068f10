// What every page shares: translations, the language switch and (for reporters) the quick exit.
import { applyI18n, lang, setLang } from '../i18n';
import { warnOnLeave } from './leave-warning';

/**
 * Leaves the site at once, asking nothing. The page is replaced in the history, so Back leads to
 * whatever came before it (the portal's home page, if the reporter came from there), never to
 * this page; and the draft is wiped first, so no restored tab or form state can bring it back.
 */
export function quickExit(): void {
  warnOnLeave(false);
  for (const form of document.forms) form.reset();
  document.body.replaceChildren();
  location.replace('about:blank');
}

export function initShell({ quickExit: withQuickExit = true } = {}): void {
  applyI18n();
  const toggle = document.getElementById('lang-switch');
  toggle?.addEventListener('click', () => setLang(lang() === 'en' ? 'zh' : 'en'));
  if (!withQuickExit) return;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-quick-exit]')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      quickExit();
    });
  }
  // Escape pressed twice in quick succession is a second, keyboard-only way out.
  let lastEscape = 0;
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const now = Date.now();
    if (now - lastEscape < 600) quickExit();
    lastEscape = now;
  });
}
