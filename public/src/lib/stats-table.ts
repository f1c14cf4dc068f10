// The statistics table shared by the public /stats page and the administrators' tab: one row per
// unit and quarter, counts under 5 shown as "<5" and withheld medians as "—", explained by a legend.
import type { Cell, UnitQuarter } from '../../../src/client/stats';
import { type MessageKey, t } from '../i18n';
import { h } from './dom';

const cell = (value: Cell | number | null): string => (value === null ? '—' : String(value));

function countCell(value: Cell | number | null): HTMLTableCellElement {
  const td = h('td', { class: 'num' }, cell(value));
  // Read out in words, so "<5" and "—" are not left to a screen reader's guess.
  if (value === '<5') td.setAttribute('aria-label', t('stats.fewer'));
  else if (value === null) td.setAttribute('aria-label', t('stats.withheld'));
  return td;
}

const th = (key: MessageKey, attrs: Record<string, string> = {}) =>
  h('th', { i18n: key, attrs: { scope: 'col', ...attrs } });

/** The legend for the two placeholders; place it right before the table. */
export function statsLegend(): HTMLElement {
  return h(
    'dl',
    { class: 'legend' },
    h('dt', {}, '<5'),
    h('dd', { i18n: 'stats.legend.small' }),
    h('dt', {}, '—'),
    h('dd', { i18n: 'stats.legend.withheld' }),
  );
}

/**
 * Builds the table; `unitName` turns a unit ID into a name in the current language. Rows are
 * ordered by unit name, then by quarter, newest first.
 */
export function statsTable(
  figures: UnitQuarter[],
  unitName: (id: string) => string,
  captionKey: MessageKey,
): HTMLTableElement {
  const rows = [...figures].sort(
    (a, b) =>
      unitName(a.unitId).localeCompare(unitName(b.unitId)) || b.quarter.localeCompare(a.quarter),
  );
  return h(
    'table',
    { class: 'data stats' },
    h('caption', { i18n: captionKey }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        th('stats.col.unit', { rowspan: '2' }),
        th('stats.col.quarter', { rowspan: '2' }),
        th('stats.col.cases', { colspan: '2', scope: 'colgroup' }),
        th('stats.col.closed', { colspan: '4', scope: 'colgroup' }),
        th('stats.col.retaliation', { colspan: '4', scope: 'colgroup' }),
      ),
      h(
        'tr',
        {},
        th('stats.col.received'),
        th('stats.col.ackInTime'),
        th('outcome.substantiated'),
        th('outcome.unsubstantiated'),
        th('stats.col.referred'),
        th('outcome.withdrawn'),
        th('stats.col.flags'),
        th('stats.col.flagsAckInTime'),
        th('stats.col.flagsResolved'),
        th('stats.col.medianDays'),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((f) =>
        h(
          'tr',
          {},
          h('th', { attrs: { scope: 'row' } }, unitName(f.unitId)),
          h('td', { class: 'quarter' }, f.quarter),
          countCell(f.received),
          countCell(f.acknowledgedInTime),
          countCell(f.closed.substantiated),
          countCell(f.closed.unsubstantiated),
          countCell(f.closed.referred),
          countCell(f.closed.withdrawn),
          countCell(f.retaliationFlags),
          countCell(f.retaliationAcknowledgedInTime),
          countCell(f.retaliationResolved),
          countCell(f.retaliationMedianDaysToResolve),
        ),
      ),
    ),
  );
}
