import { describe, expect, it } from 'vitest';
import { BOT_STATUSES, BotStats } from '@bot-mox/contracts';
import { foldBotCounts } from './stats.ts';

describe('foldBotCounts', () => {
  it('sums per status and per project, with zeros for statuses no bot has', () => {
    const stats = foldBotCounts([
      { project: 'wow_tbc', status: 'running', count: 1200 },
      { project: 'wow_tbc', status: 'banned', count: 3 },
      { project: 'lineage2', status: 'running', count: 800 },
      { project: 'lineage2', status: 'idle', count: 405 },
      { project: 'aion', status: 'error', count: 1 },
    ]);
    expect(BotStats.parse(stats)).toEqual(stats);
    expect(stats.total).toBe(2409);
    expect(stats.by_status).toEqual({
      prepare: 0,
      running: 2000,
      idle: 405,
      stopped: 0,
      error: 1,
      banned: 3,
    });
    expect(stats.by_project.map((p) => [p.project, p.total])).toEqual([
      ['lineage2', 1205],
      ['wow_tbc', 1203],
      ['aion', 1],
    ]);
    expect(stats.by_project[1]!.by_status).toMatchObject({ running: 1200, banned: 3, idle: 0 });
  });

  it('orders projects with equal totals by name', () => {
    const stats = foldBotCounts([
      { project: 'b', status: 'idle', count: 2 },
      { project: 'a', status: 'running', count: 2 },
    ]);
    expect(stats.by_project.map((p) => p.project)).toEqual(['a', 'b']);
  });

  it('answers zeros for every status when there are no bots', () => {
    expect(foldBotCounts([])).toEqual({
      total: 0,
      by_status: Object.fromEntries(BOT_STATUSES.map((s) => [s, 0])),
      by_project: [],
    });
  });
});
