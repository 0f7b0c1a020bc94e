import {
  BOT_STATUSES,
  Bot,
  BotPage,
  BotStats,
  CalendarEvent,
  FinanceSummary,
  HealthResponse,
  License,
  Note,
  Operation,
  Problem,
  Proxy,
  ReadyResponse,
  SettingsSection,
  Subscription,
  Task,
  type BotStatusCounts,
  type PageOf,
} from '@bot-mox/contracts';
import type { z } from 'zod';

/**
 * Response fixtures. Every builder parses its result with the contract schema, so a fixture
 * that drifts from the contract fails loudly instead of testing a fantasy API.
 */
const T0 = '2026-11-02T09:00:00.000Z';
let seq = 0;
export const nextId = (prefix = 'id') => `${prefix}_${(seq += 1).toString().padStart(4, '0')}`;

function build<S extends z.ZodType>(schema: S, value: z.input<S>): z.output<S> {
  return schema.parse(value);
}

export function page<T>(items: T[], next_cursor: string | null = null): PageOf<T> {
  return { items, next_cursor };
}

export const bot = (o: Partial<z.input<typeof Bot>> = {}) =>
  build(Bot, {
    id: nextId('bot'),
    legacy_id: null,
    name: 'Grinder-01',
    status: 'running',
    project: 'wow_tbc',
    vm_name: 'vm-01',
    character: { name: 'Thrall', level: 70, server: 'Firemaw', faction: 'horde' },
    tags: ['farm'],
    last_seen_at: T0,
    created_at: T0,
    updated_at: T0,
    ...o,
  });

export const botPage = (items: Bot[], next: string | null = null) =>
  build(BotPage, page(items, next));

export const license = (o: Partial<z.input<typeof License>> = {}) =>
  build(License, {
    id: nextId('lic'),
    legacy_id: null,
    key: 'LIC-AAAA-BBBB',
    type: 'single',
    status: 'active',
    expires_at: '2026-11-05T00:00:00.000Z',
    bot_ids: [],
    created_at: T0,
    updated_at: T0,
    ...o,
  });

export const proxy = (o: Partial<z.input<typeof Proxy>> = {}) =>
  build(Proxy, {
    id: nextId('prx'),
    legacy_id: null,
    ip: '203.0.113.7',
    port: 8080,
    login: 'user',
    password: 'secret',
    provider: 'proxyco',
    country: 'DE',
    status: 'active',
    expires_at: '2026-11-06T00:00:00.000Z',
    bot_id: null,
    created_at: T0,
    updated_at: T0,
    ...o,
  });

export const subscription = (o: Partial<z.input<typeof Subscription>> = {}) =>
  build(Subscription, {
    id: nextId('sub'),
    legacy_id: null,
    name: 'WoW game time',
    type: 'game',
    price: '14.99',
    currency: 'EUR',
    renews_at: '2026-11-07T00:00:00.000Z',
    bot_id: null,
    created_at: T0,
    updated_at: T0,
    ...o,
  });

export const note = (o: Partial<z.input<typeof Note>> = {}) =>
  build(Note, {
    id: nextId('note'),
    legacy_id: null,
    title: 'Realm notes',
    content: 'Firemaw is busy on weekends',
    pinned: false,
    created_at: T0,
    updated_at: T0,
    ...o,
  });

export const task = (o: Partial<z.input<typeof Task>> = {}) =>
  build(Task, {
    id: nextId('task'),
    legacy_id: null,
    title: 'Renew proxies',
    status: 'todo',
    due_at: '2026-11-04T12:00:00.000Z',
    bot_id: null,
    created_at: T0,
    updated_at: T0,
    ...o,
  });

export const calendarEvent = (o: Partial<z.input<typeof CalendarEvent>> = {}) =>
  build(CalendarEvent, {
    id: nextId('cal'),
    legacy_id: null,
    title: 'Patch day',
    date: '2026-11-10',
    note: '',
    created_at: T0,
    updated_at: T0,
    ...o,
  });

export const operation = (o: Partial<z.input<typeof Operation>> = {}) =>
  build(Operation, {
    id: nextId('op'),
    legacy_id: null,
    type: 'income',
    category: 'gold_sale',
    amount: '120.50',
    currency: 'USD',
    occurred_at: T0,
    bot_id: null,
    bot_name: null,
    comment: '',
    created_at: T0,
    updated_at: T0,
    ...o,
  });

/** Stats over `counts` (project → status → bots); totals are summed here, as the server does. */
export function botStats(counts: Record<string, Partial<BotStatusCounts>> = {}) {
  const zeros = () => Object.fromEntries(BOT_STATUSES.map((s) => [s, 0])) as BotStatusCounts;
  const by_status = zeros();
  const by_project = Object.entries(counts).map(([project, statuses]) => {
    const own = { ...zeros(), ...statuses };
    for (const s of BOT_STATUSES) by_status[s] += own[s];
    return { project, total: BOT_STATUSES.reduce((a, s) => a + own[s], 0), by_status: own };
  });
  const total = by_project.reduce((a, p) => a + p.total, 0);
  return build(BotStats, { total, by_status, by_project });
}

export const financeSummary = (o: Partial<z.input<typeof FinanceSummary>> = {}) =>
  build(FinanceSummary, { by_currency: [], by_month: [], by_category: [], ...o });

export const health = (o: Partial<z.input<typeof HealthResponse>> = {}) =>
  build(HealthResponse, {
    status: 'ok',
    version: '0.1.0',
    git_sha: 'abc1234',
    image_tag: 'sha-abc1234',
    uptime_seconds: 3725,
    data_backend: 'supabase',
    supabase_ready: true,
    s3_ready: true,
    // A healthy schedule: last night's backup and last Sunday's drill passed.
    last_backup_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
    last_backup_ok: true,
    last_good_backup_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
    last_restore_drill_at: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    last_restore_drill_ok: true,
    backup_max_age_seconds: 90_000,
    ...o,
  });

export const ready = (o: Partial<z.input<typeof ReadyResponse>> = {}) =>
  build(ReadyResponse, {
    status: 'ready',
    checks: { database: { ok: true }, migrations: { ok: true }, artifacts_bucket: { ok: true } },
    ...o,
  });

export const settingsSection = (o: z.input<typeof SettingsSection>) => build(SettingsSection, o);

/** A 400 problem document as the backend sends it. */
export function validationProblem(
  errors: { field: string; message: string }[],
  detail = 'The request has invalid fields',
) {
  return build(Problem, {
    type: 'https://bot-mox.dev/problems/validation',
    title: 'Validation failed',
    status: 400,
    detail,
    request_id: 'req-test-1',
    errors,
  });
}

export function problem(status: number, title: string, detail?: string) {
  return build(Problem, {
    type: 'about:blank',
    title,
    status,
    ...(detail ? { detail } : {}),
    request_id: 'req-test-2',
  });
}
