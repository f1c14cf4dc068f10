// The compressed weight of each page as built (npm run build): what it needs to show its text and
// form, and all it loads before it can send. The report page's goal: at most 200 KB in all.
import { readdir } from 'node:fs/promises';
import { DIST, pageWeight } from '../../scripts/page-weight';
import type { Figure, Measurement } from './types';

const kb = (bytes: number) => Math.round(bytes / 100) / 10;

export const pageWeights: Measurement = {
  name: 'page-weight',
  async measure() {
    const pages = (await readdir(DIST)).filter((f) => f.endsWith('.html')).sort();
    const figures: Figure[] = [];
    for (const page of pages) {
      const w = await pageWeight(page);
      figures.push({
        name: `${page}, all it loads (brotli)`,
        value: kb(w.total.br),
        unit: 'KB',
        ...(page === 'report.html' ? { goal: { op: '<=' as const, limit: 200 } } : {}),
        note: `gzip ${kb(w.total.gzip)} KB, raw ${kb(w.total.raw)} KB; before its text shows: ${kb(w.firstTotal.br)} KB in ${w.first.length} files`,
      });
    }
    return figures;
  },
};
