// Statistics over the API: every unit for administrators (JSON, or an audited CSV download), and
// the units that publish their figures for everyone. Small counts arrive as the string "<5".
import type { AdminStats, PublicStats } from '../contract/stats';
import { callApi, type Fetcher } from './api';

export type { Cell, StatsUnit, UnitQuarter } from '../contract/stats';

/** Figures of ended quarters only; `nextPublication` is the day the current one appears. */
export const publicStats = (fetcher: Fetcher) => callApi<PublicStats>(fetcher, '/api/public/stats');

export const adminStats = (s: { fetcher: Fetcher }) => callApi<AdminStats>(s.fetcher, '/api/stats');

/** The CSV download; each download is written to the audit trail. */
export const STATS_CSV_PATH = '/api/stats?format=csv';
