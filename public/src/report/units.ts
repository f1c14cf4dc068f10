// The unit chooser: the hierarchy as nested radio buttons, the copy-to-parent box, a plain
// statement of exactly who will be able to read the report, and the supervisors (by the names the
// administrator approved) the reporter may keep out of it, never all of them.
import type { UnitView } from '../../../src/client/types';
import { exclusionProblem, hasReader } from '../../../src/contract/reach';
import { lang, onLanguageChange } from '../i18n';
import { h, setI18n } from '../lib/dom';
import { formatFingerprint } from '../lib/format';

export const unitName = (u: { name: string; nameZh: string }): string =>
  lang() === 'zh' ? u.nameZh : u.name;

export class UnitPicker {
  private units: UnitView[] = [];
  private selectedId: string | null = null;
  private readonly excluded = new Set<string>();

  constructor(
    private readonly tree: HTMLElement,
    private readonly copyField: HTMLElement,
    private readonly copyBox: HTMLInputElement,
    private readonly copyLabel: HTMLLabelElement,
    private readonly readers: HTMLElement,
  ) {
    copyBox.addEventListener('change', () => this.renderReaders());
    onLanguageChange(() => this.render());
  }

  load(units: UnitView[]): void {
    this.units = units;
    this.render();
  }

  selected(): UnitView | undefined {
    return this.units.find((u) => u.id === this.selectedId);
  }

  private parentOf(unit: UnitView): UnitView | undefined {
    return this.units.find((u) => u.id === unit.parentId && hasReader(u.keys));
  }

  /** The units the report goes to now: the chosen one, and the unit above when copied. */
  private receiving(): UnitView[] {
    const unit = this.selected();
    if (!unit) return [];
    const parent = this.copyToParent() ? this.parentOf(unit) : undefined;
    return parent ? [unit, parent] : [unit];
  }

  /** The supervisors to keep out, among those of the units the report goes to. */
  exclude(): string[] {
    const ids = new Set(this.receiving().flatMap((u) => u.keys.map((k) => k.id)));
    return [...this.excluded].filter((id) => ids.has(id));
  }

  /** An i18n key saying why the exclusions cannot be sent, or null when they can. */
  exclusionError(): 'report.exclude.allError' | null {
    const unit = this.selected();
    if (!unit) return null;
    const problem = exclusionProblem(this.units, unit.id, this.copyToParent(), this.exclude());
    return problem ? 'report.exclude.allError' : null;
  }

  copyToParent(): boolean {
    const unit = this.selected();
    return Boolean(unit && this.parentOf(unit) && this.copyBox.checked);
  }

  /** The loaded units, from which the shared client picks the keys to encrypt to. */
  all(): UnitView[] {
    return this.units;
  }

  render(): void {
    const known = new Set(this.units.map((u) => u.id));
    const roots = this.units.filter((u) => u.parentId === null || !known.has(u.parentId));
    if (roots.length === 0)
      this.tree.replaceChildren(h('p', { class: 'status', i18n: 'report.unit.none' }));
    else this.tree.replaceChildren(this.list(roots));
    this.renderCopy();
    this.renderReaders();
  }

  private list(units: UnitView[]): HTMLUListElement {
    return h('ul', { class: 'unit-list' }, ...units.map((u) => this.item(u)));
  }

  private item(unit: UnitView): HTMLLIElement {
    const id = `unit-${unit.id}`;
    const radio = h('input', { attrs: { type: 'radio', name: 'unit', id, value: unit.id } });
    radio.checked = unit.id === this.selectedId;
    // A unit without a reader could not read the report, so it cannot be chosen; the page says
    // where to turn instead.
    const readable = hasReader(unit.keys);
    radio.disabled = !readable;
    radio.addEventListener('change', () => {
      this.selectedId = unit.id;
      this.renderCopy();
      this.renderReaders();
    });
    const label = h(
      'label',
      { attrs: { for: id } },
      h('span', { class: 'unit-name' }, unitName(unit)),
      ' ',
      h('span', {
        class: `badge badge-level level-${unit.level}`,
        i18n: `level.${unit.level}` as const,
      }),
      unit.isDemo ? h('span', { class: 'badge badge-demo', i18n: 'report.unit.demo' }) : null,
      readable ? null : this.noReader(unit),
      unit.retentionMonths
        ? h('span', {
            class: 'help unit-retention',
            i18n: 'report.unit.retention',
            vars: { months: unit.retentionMonths },
          })
        : null,
    );
    const children = this.units.filter((u) => u.parentId === unit.id);
    return h(
      'li',
      {},
      h('div', { class: 'unit-option' }, radio, label),
      children.length > 0 ? this.list(children) : null,
    );
  }

  private noReader(unit: UnitView): HTMLElement {
    const above = this.units.find((u) => u.id === unit.parentId);
    return above
      ? h('span', {
          class: 'unit-nokeys',
          i18n: 'report.unit.noReaderAbove',
          vars: { unit: unitName(above) },
        })
      : h('span', { class: 'unit-nokeys', i18n: 'report.unit.noReaderTop' });
  }

  private renderCopy(): void {
    const unit = this.selected();
    const parent = unit && this.parentOf(unit);
    this.copyField.hidden = !parent;
    if (parent) setI18n(this.copyLabel, 'report.copy.label', { unit: unitName(parent) });
  }

  private renderReaders(): void {
    const unit = this.selected();
    if (!unit) {
      this.readers.replaceChildren(h('p', { class: 'help', i18n: 'report.readers.choose' }));
      return;
    }
    const parent = this.copyToParent() ? this.parentOf(unit) : undefined;
    const out = this.exclude();
    this.readers.replaceChildren(
      h(
        'ul',
        { class: 'points' },
        readerItem(unit, 'report.readers.unit', out),
        parent ? readerItem(parent, 'report.readers.parent', out) : null,
        h('li', { i18n: 'report.readers.you' }),
        h('li', { i18n: 'report.readers.nobody' }),
      ),
      this.exclusions(),
    );
  }

  /** Checkboxes to keep named supervisors out, with a warning when none would be left. */
  private exclusions(): HTMLElement {
    const people = this.receiving().flatMap((u) =>
      u.keys.filter((k) => k.role === 'supervisor').map((k) => ({ key: k, unit: u })),
    );
    const boxes = people.map(({ key, unit }) => {
      const id = `exclude-${key.id}`;
      const box = h('input', {
        attrs: { type: 'checkbox', id, value: key.id, autocomplete: 'off' },
      });
      box.checked = this.excluded.has(key.id);
      box.addEventListener('change', () => {
        if (box.checked) this.excluded.add(key.id);
        else this.excluded.delete(key.id);
        this.renderReaders();
        byIdOrNull(id)?.focus();
      });
      return h(
        'div',
        { class: 'field field-check' },
        box,
        h('label', { attrs: { for: id } }, `${key.displayName} — ${unitName(unit)}`),
      );
    });
    const error = this.exclusionError();
    return h(
      'fieldset',
      { class: 'exclusions', attrs: { id: 'exclude-field' } },
      h('legend', { i18n: 'report.exclude.legend' }),
      h('p', { class: 'help', i18n: 'report.exclude.help' }),
      ...boxes,
      error
        ? h('p', {
            class: 'field-error',
            attrs: { id: 'exclude-error', role: 'alert' },
            i18n: error,
          })
        : null,
    );
  }
}

const byIdOrNull = (id: string) => document.getElementById(id);

function readerItem(
  unit: UnitView,
  key: 'report.readers.unit' | 'report.readers.parent',
  excluded: string[],
): HTMLLIElement {
  const keys = unit.keys.filter((k) => !excluded.includes(k.id));
  // Fingerprints let a cautious reporter compare the keys with ones published elsewhere.
  const fingerprints = h(
    'details',
    {},
    h('summary', { i18n: 'report.readers.fingerprints' }),
    h(
      'ul',
      { class: 'fingerprints' },
      ...keys.map((k) => h('li', {}, h('code', {}, formatFingerprint(k.fingerprint)))),
    ),
  );
  return h(
    'li',
    {},
    h('span', { i18n: key, vars: { unit: unitName(unit), count: keys.length } }),
    fingerprints,
  );
}
