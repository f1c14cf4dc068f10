// Language choice and lookup: t(key), and filling every [data-i18n*] element on the page.
import { en, type MessageKey } from './en';
import { zh } from './zh';

export type { MessageKey };
export type Lang = 'en' | 'zh';
export type Vars = Record<string, string | number>;

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, zh };
// The language choice is the only thing this site keeps in the browser.
const STORAGE_KEY = 'lang';
const listeners: Array<() => void> = [];

function stored(): Lang | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'zh' ? value : null;
  } catch {
    return null; // storage may be disabled (Tor Browser, private windows): fall back quietly
  }
}

let current: Lang = stored() ?? (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en');

export const lang = (): Lang => current;

export function t(key: MessageKey, vars: Vars = {}): string {
  return catalogues[current][key].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in vars ? String(vars[name]) : m,
  );
}

export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}

/** Fills text, placeholders and aria-labels of every marked element under root. */
export function applyI18n(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n ?? '';
    const vars = el.dataset.i18nVars ? (JSON.parse(el.dataset.i18nVars) as Vars) : {};
    if (isMessageKey(key)) el.textContent = t(key, vars);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]')) {
    const key = el.dataset.i18nPlaceholder ?? '';
    if (isMessageKey(key)) el.setAttribute('placeholder', t(key));
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-aria-label]')) {
    const key = el.dataset.i18nAriaLabel ?? '';
    if (isMessageKey(key)) el.setAttribute('aria-label', t(key));
  }
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

/** Pages register re-renderers for content built from data, such as unit names. */
export function onLanguageChange(fn: () => void): void {
  listeners.push(fn);
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted; the switch still works for this page.
  }
  applyI18n();
  for (const fn of listeners) fn();
}
