// The accessible error pattern: every field checked at once, a summary that takes focus and links
// to each field, a message beside each field (aria-invalid + aria-describedby), and each error
// cleared as soon as its field is fixed.
import type { MessageKey } from '../i18n';
import { byId, h, setI18n } from './dom';

export interface FieldCheck {
  /** Where a summary link moves focus: the field, or the first control of a group. */
  target: () => HTMLElement;
  /** The field's error line (`<p class="field-error" id="…-error">`). */
  error: HTMLElement;
  /** Controls marked aria-invalid; defaults to the target. */
  controls?: () => HTMLElement[];
  /** The message for what is wrong, or null when the field is fine. */
  check: () => MessageKey | null;
}

function describedBy(el: HTMLElement, id: string, on: boolean): void {
  const ids = new Set((el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
  if (on) ids.add(id);
  else ids.delete(id);
  if (ids.size > 0) el.setAttribute('aria-describedby', [...ids].join(' '));
  else el.removeAttribute('aria-describedby');
}

export class FormErrors {
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;
  private readonly failing = new Set<FieldCheck>();

  /** `prefix` names the included error-summary partial (`<prefix>-summary`). */
  constructor(
    prefix: string,
    private readonly checks: FieldCheck[],
  ) {
    this.summary = byId(`${prefix}-summary`, HTMLElement);
    this.list = byId(`${prefix}-summary-list`, HTMLElement);
    // Listening on the whole form also covers controls made later (the unit list loads late).
    const recheck = () => {
      for (const c of [...this.failing]) if (c.check() === null) this.mark(c, null);
    };
    const form = this.summary.closest('form') ?? document;
    form.addEventListener('input', recheck);
    form.addEventListener('change', recheck);
  }

  private controls(c: FieldCheck): HTMLElement[] {
    return c.controls?.() ?? [c.target()];
  }

  private mark(c: FieldCheck, key: MessageKey | null): void {
    if (key) {
      this.failing.add(c);
      setI18n(c.error, key);
    } else {
      this.failing.delete(c);
      c.error.textContent = '';
    }
    c.error.hidden = key === null;
    for (const el of this.controls(c)) {
      if (key) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
      describedBy(el, c.error.id, key !== null);
    }
    this.render();
  }

  private render(): void {
    const items = this.checks
      .filter((c) => this.failing.has(c))
      .map((c) => {
        const target = c.target();
        const link = h('a', {
          i18n: c.error.dataset.i18n as MessageKey,
          attrs: { href: `#${target.id}` },
        });
        link.addEventListener('click', (event) => {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({ block: 'center' });
        });
        return h('li', {}, link);
      });
    this.list.replaceChildren(...items);
    this.summary.hidden = items.length === 0;
  }

  /** Checks every field; on any problem shows them all and moves focus to the summary. */
  validate(): boolean {
    for (const c of this.checks) this.mark(c, c.check());
    if (this.failing.size === 0) return true;
    this.summary.focus();
    this.summary.scrollIntoView({ block: 'start' });
    return false;
  }

  clear(): void {
    for (const c of this.checks) this.mark(c, null);
  }
}
