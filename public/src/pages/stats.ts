// The public statistics page: figures of the units that publish them, per quarter, with counts
// small enough to point at a reporter suppressed by the server before they ever reach here.
import { publicStats } from '../../../src/client/stats';
import { onLanguageChange, t } from '../i18n';
import { browserFetch, describeError } from '../lib/api';
import { byId, clearStatus, showStatus } from '../lib/dom';
import { initShell } from '../lib/shell';
import { statsLegend, statsTable } from '../lib/stats-table';
import { unitName } from '../report/units';

initShell();

const status = byId('stats-status', HTMLElement);
const wrap = byId('stats-table', HTMLElement);
let data: Awaited<ReturnType<typeof publicStats>> | null = null;

function render(): void {
  if (!data) return;
  const units = new Map(data.units.map((u) => [u.id, u]));
  const name = (id: string) => {
    const u = units.get(id);
    return u ? unitName(u) : id;
  };
  byId('stats-legend', HTMLElement).replaceChildren(statsLegend());
  const next = byId('stats-next', HTMLElement);
  next.textContent = t('stats.next', { day: data.nextPublication });
  next.hidden = false;
  const head = byId('stats-audit-head', HTMLElement);
  head.hidden = !data.auditHead;
  if (data.auditHead)
    head.replaceChildren(
      t('stats.auditHead', {
        day: data.auditHead.day,
      }),
      ' ',
      Object.assign(document.createElement('code'), { textContent: data.auditHead.hash }),
    );
  wrap.hidden = data.figures.length === 0;
  wrap.replaceChildren(statsTable(data.figures, name, 'stats.caption.public'));
  if (data.figures.length === 0) showStatus(status, 'info', 'stats.empty');
  else clearStatus(status);
}
onLanguageChange(render);

async function load(): Promise<void> {
  showStatus(status, 'info', 'common.loading');
  try {
    data = await publicStats(browserFetch);
    render();
  } catch (err) {
    const advice = describeError(err);
    showStatus(status, 'error', advice.key, advice.vars);
  }
}

void load();
