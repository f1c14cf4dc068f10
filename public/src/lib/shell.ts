// What every page shares: translations, the language switch and (for reporters) the quick exit.
import { applyI18n, lang, setLang } from '../i18n';

/** Leaves the site without leaving this page in the back history. */
export function quickExit(): void {
  // Wipe what is on screen first, in case the browser shows the old page while navigating.
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
