// Small DOM helpers: typed lookups, an element builder that only ever sets text, status lines.
import { type MessageKey, t, type Vars } from '../i18n';

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  /** Translated text, kept up to date when the language changes. */
  i18n?: MessageKey;
  vars?: Vars;
  attrs?: Record<string, string>;
}

/** Finds an element by id and checks its type, so a renamed id fails loudly at start. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`missing #${id}`);
  return el;
}

export function setI18n(el: HTMLElement, key: MessageKey, vars?: Vars): void {
  el.dataset.i18n = key;
  if (vars) el.dataset.i18nVars = JSON.stringify(vars);
  else delete el.dataset.i18nVars;
  el.textContent = t(key, vars);
}

/** Builds an element; strings become text nodes, never markup, so decrypted text stays inert. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  if (props.i18n) setI18n(el, props.i18n, props.vars);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

export type Tone = 'info' | 'error' | 'success';

/** Shows a translated status line; the element carries role=status or role=alert in the HTML. */
export function showStatus(el: HTMLElement, tone: Tone, key: MessageKey, vars?: Vars): void {
  el.hidden = false;
  el.dataset.tone = tone;
  setI18n(el, key, vars);
}

export function clearStatus(el: HTMLElement): void {
  el.hidden = true;
  el.textContent = '';
  delete el.dataset.i18n;
  delete el.dataset.i18nVars;
}

/** Disables every control of a form while work runs, so nothing is sent twice. */
export function setBusy(form: HTMLFormElement, busy: boolean): void {
  form.setAttribute('aria-busy', String(busy));
  for (const el of form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')) {
    el.disabled = busy;
  }
}
