// Statistics for administrators: every unit's figures per quarter, in the same table as the public
// page, and the CSV download (each download is recorded in the audit trail).
import { callApi } from '../../../src/client/api';
import { adminStats, type UnitQuarter } from '../../../src/client/stats';
import type { UnitView } from '../../../src/client/types';
import { browserFetch } from '../lib/api';
import { byId, clearStatus, showStatus } from '../lib/dom';
import { statsLegend, statsTable } from '../lib/stats-table';
import { unitName } from '../report/units';
import { session, showError } from './session';

let figures: UnitQuarter[] | null = null;
let units: UnitView[] = [];

const status = () => byId('stats-admin-status', HTMLElement);

export function renderStats(): void {
  if (!figures) return;
  const byUnit = new Map(units.map((u) => [u.id, u]));
  const name = (id: string) => {
    const u = byUnit.get(id);
    return u ? unitName(u) : id;
  };
  byId('stats-admin-legend', HTMLElement).replaceChildren(statsLegend());
  const wrap = byId('stats-admin-table', HTMLElement);
  wrap.hidden = figures.length === 0;
  wrap.replaceChildren(statsTable(figures, name, 'stats.caption.admin'));
  if (figures.length === 0) showStatus(status(), 'info', 'stats.empty');
  else clearStatus(status());
}

export async function loadStats(): Promise<void> {
  const s = session();
  if (!s) return;
  showStatus(status(), 'info', 'common.loading');
  try {
    const [data, list] = await Promise.all([
      adminStats(s),
      callApi<{ units: UnitView[] }>(browserFetch, '/api/units'),
    ]);
    figures = data.figures;
    units = list.units;
    renderStats();
  } catch (err) {
    showError(status(), err);
  }
}
