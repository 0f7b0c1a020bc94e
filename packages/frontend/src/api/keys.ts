/** Query-cache keys; a domain's prefix invalidates all its lists. */
export const keys = {
  health: ['health'] as const,
  ready: ['health', 'ready'] as const,
  bots: ['bots'] as const,
  /** Under bots: every bot mutation and bot event that refreshes lists refreshes these too. */
  botStats: ['bots', 'stats'] as const,
  licenses: ['resources', 'licenses'] as const,
  proxies: ['resources', 'proxies'] as const,
  subscriptions: ['resources', 'subscriptions'] as const,
  notes: ['workspace', 'notes'] as const,
  tasks: ['workspace', 'tasks'] as const,
  calendar: ['workspace', 'calendar'] as const,
  operations: ['finance', 'operations'] as const,
  financeSummary: ['finance', 'summary'] as const,
  settings: ['settings'] as const,
  artifacts: ['artifacts'] as const,
};
