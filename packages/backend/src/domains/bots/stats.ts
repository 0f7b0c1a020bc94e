import {
  BOT_STATUSES,
  type BotStats,
  type BotStatus,
  type BotStatusCounts,
} from '@bot-mox/contracts';

/** One row of `count(*) ... group by project, status`. */
export interface BotCountRow {
  project: string;
  /** One of BOT_STATUSES: the table's check constraint allows no other. */
  status: BotStatus;
  count: number;
}

const zeros = (): BotStatusCounts =>
  Object.fromEntries(BOT_STATUSES.map((s) => [s, 0])) as BotStatusCounts;

/** Folds the per-(project, status) counts into totals per status and per project. */
export function foldBotCounts(rows: BotCountRow[]): BotStats {
  const stats: BotStats = { total: 0, by_status: zeros(), by_project: [] };
  const projects = new Map<string, BotStats['by_project'][number]>();
  for (const { project, status, count } of rows) {
    let p = projects.get(project);
    if (!p) projects.set(project, (p = { project, total: 0, by_status: zeros() }));
    p.total += count;
    p.by_status[status] += count;
    stats.by_status[status] += count;
    stats.total += count;
  }
  stats.by_project = [...projects.values()].sort(
    (a, b) => b.total - a.total || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0),
  );
  return stats;
}
