// Statistics over the API: every unit for administrators (JSON, or an audited CSV download), and
// the units that publish their figures for everyone. Small counts arrive as the string "<5".
import { callApi, type Fetcher } from './api';

export type Cell = number | '<5';

export interface UnitQuarter {
  unitId: string;
  quarter: string;
  received: Cell;
  acknowledgedInTime: Cell;
  closed: { substantiated: Cell; unsubstantiated: Cell; referred: Cell; withdrawn: Cell };
  retaliationFlags: Cell;
  retaliationAcknowledgedInTime: Cell;
  retaliationResolved: Cell;
  /** null when too few flags were resolved to publish a median without identifying anyone. */
  retaliationMedianDaysToResolve: number | null;
}

export interface StatsUnit {
  id: string;
  name: string;
  nameZh: string;
}

/** Figures of ended quarters only; `nextPublication` is the day the current one appears. */
export const publicStats = (fetcher: Fetcher) =>
  callApi<{
    smallCellThreshold: number;
    units: StatsUnit[];
    figures: UnitQuarter[];
    nextPublication: string;
    /** Yesterday's head of the audit log: a witness anyone can copy (null before any entry). */
    auditHead?: { entries: number; hash: string; day: string } | null;
  }>(fetcher, '/api/public/stats');

export const adminStats = (s: { fetcher: Fetcher }) =>
  callApi<{ smallCellThreshold: number; figures: UnitQuarter[] }>(s.fetcher, '/api/stats');

/** The CSV download; each download is written to the audit trail. */
export const STATS_CSV_PATH = '/api/stats?format=csv';
