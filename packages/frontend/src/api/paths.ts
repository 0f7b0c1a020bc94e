/** The /api/v1 paths the app calls. */
export const paths = {
  health: '/api/v1/health',
  healthLive: '/api/v1/health/live',
  healthReady: '/api/v1/health/ready',
  bots: '/api/v1/bots',
  botStats: '/api/v1/bots/stats',
  bot: (id: string) => `/api/v1/bots/${encodeURIComponent(id)}`,
  licenses: '/api/v1/resources/licenses',
  license: (id: string) => `/api/v1/resources/licenses/${encodeURIComponent(id)}`,
  proxies: '/api/v1/resources/proxies',
  proxy: (id: string) => `/api/v1/resources/proxies/${encodeURIComponent(id)}`,
  subscriptions: '/api/v1/resources/subscriptions',
  subscription: (id: string) => `/api/v1/resources/subscriptions/${encodeURIComponent(id)}`,
  notes: '/api/v1/workspace/notes',
  note: (id: string) => `/api/v1/workspace/notes/${encodeURIComponent(id)}`,
  tasks: '/api/v1/workspace/tasks',
  task: (id: string) => `/api/v1/workspace/tasks/${encodeURIComponent(id)}`,
  calendar: '/api/v1/workspace/calendar',
  calendarEvent: (id: string) => `/api/v1/workspace/calendar/${encodeURIComponent(id)}`,
  operations: '/api/v1/finance/operations',
  operation: (id: string) => `/api/v1/finance/operations/${encodeURIComponent(id)}`,
  financeSummary: '/api/v1/finance/summary',
  settings: '/api/v1/settings',
  settingsSection: (section: string) => `/api/v1/settings/${encodeURIComponent(section)}`,
  /** GET lists installers; POST starts an upload (a pending row and a presigned PUT). */
  artifacts: '/api/v1/artifacts/installers',
  artifactComplete: (id: string) =>
    `/api/v1/artifacts/installers/${encodeURIComponent(id)}/complete`,
  artifactDownload: (id: string) =>
    `/api/v1/artifacts/installers/${encodeURIComponent(id)}/download`,
  artifact: (id: string) => `/api/v1/artifacts/installers/${encodeURIComponent(id)}`,
} as const;

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
