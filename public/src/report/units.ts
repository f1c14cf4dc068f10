// The unit chooser: the hierarchy as nested radio buttons, the copy-to-parent box, and a plain
// statement of exactly who will be able to read the report.
import type { UnitView } from '../../../src/client/types';
import { unitHealth } from '../../../src/contract/reach';
import { lang, onLanguageChange } from '../i18n';
import { h, setI18n } from '../lib/dom';
import { formatFingerprint } from '../lib/format';

export const unitName = (u: { name: string; nameZh: string }): string =>
  lang() === 'zh' ? u.nameZh : u.name;

/** A unit can take a report when someone reads it: its recovery key alone does not count. */
const hasReader = (u: UnitView): boolean => unitHealth(u.keys).readers > 0;

export class UnitPicker {
  private units: UnitView[] = [];
  private selectedId: string | null = null;

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
    return this.units.find((u) => u.id === unit.parentId && hasReader(u));
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
    // A unit without a reader's key could not act on the report, so it cannot be chosen.
    radio.disabled = !hasReader(unit);
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
      !hasReader(unit) ? h('span', { class: 'unit-nokeys', i18n: 'report.unit.noKeys' }) : null,
    );
    const children = this.units.filter((u) => u.parentId === unit.id);
    return h(
      'li',
      {},
      h('div', { class: 'unit-option' }, radio, label),
      children.length > 0 ? this.list(children) : null,
    );
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
    this.readers.replaceChildren(
      h(
        'ul',
        { class: 'points' },
        readerItem(unit, 'report.readers.unit'),
        parent ? readerItem(parent, 'report.readers.parent') : null,
        h('li', { i18n: 'report.readers.you' }),
        h('li', { i18n: 'report.readers.nobody' }),
      ),
    );
  }
}

function readerItem(
  unit: UnitView,
  key: 'report.readers.unit' | 'report.readers.parent',
): HTMLLIElement {
  // Fingerprints let a cautious reporter compare the keys with ones published elsewhere.
  const fingerprints = h(
    'details',
    {},
    h('summary', { i18n: 'report.readers.fingerprints' }),
    h(
      'ul',
      { class: 'fingerprints' },
      ...unit.keys.map((k) => h('li', {}, h('code', {}, formatFingerprint(k.fingerprint)))),
    ),
  );
  return h(
    'li',
    {},
    h('span', { i18n: key, vars: { unit: unitName(unit), count: unit.keys.length } }),
    fingerprints,
  );
}
