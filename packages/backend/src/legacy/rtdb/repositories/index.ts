// The five domains' repositories on the legacy RTDB (DATA_BACKEND=rtdb): the same interfaces as
// the Kysely ones (src/domains/<domain>/repository.ts), one RtdbCollection spec per collection.
// Each record's API shape is built from the import's normalised row (records.ts columns).
import { ServerValue, type Database } from 'firebase-admin/database';
import {
  SETTINGS_SECTIONS,
  type Bot,
  type BotCharacter,
  type BotCreate,
  type BotListQuery,
  type BotStats,
  type BotStatus,
  type BotUpdate,
  type CalendarEvent,
  type CalendarEventCreate,
  type CalendarEventUpdate,
  type CalendarListQuery,
  type FinanceSummary,
  type FinanceSummaryQuery,
  type License,
  type LicenseCreate,
  type LicenseListQuery,
  type LicenseUpdate,
  type Note,
  type NoteCreate,
  type NoteListQuery,
  type NoteUpdate,
  type Operation,
  type OperationCreate,
  type OperationListQuery,
  type OperationUpdate,
  type Proxy,
  type ProxyCreate,
  type ProxyListQuery,
  type ProxyUpdate,
  type SettingsSectionName,
  type Subscription,
  type SubscriptionCreate,
  type SubscriptionListQuery,
  type SubscriptionUpdate,
  type Task,
  type TaskCreate,
  type TaskListQuery,
  type TaskUpdate,
} from '@bot-mox/contracts';
import type { Repositories } from '../../../domains/index.ts';
import type { BotsRepository } from '../../../domains/bots/repository.ts';
import { foldBotCounts, type BotCountRow } from '../../../domains/bots/stats.ts';
import type { OperationsRepository } from '../../../domains/finance/repository.ts';
import { summarizeOperations } from '../../../domains/finance/summarize.ts';
import type {
  SettingsRepository,
  StoredSettingsSection,
} from '../../../domains/settings/repository.ts';
import { SETTINGS_FIELDS, mapRecord, type Row } from '../records.ts';
import {
  RtdbCollection,
  botOf,
  byNumber,
  byText,
  matches,
  readBots,
  readNode,
  stampsOf,
  uniqueConflict,
  within,
  type Bots,
} from './collection.ts';

const str = (v: unknown) => v as string;
const strOrNull = (v: unknown) => (v ?? null) as string | null;

// ---- bots ---------------------------------------------------------------------------------------
function toBot(key: string, row: Row): Bot {
  return {
    ...stampsOf(key, row),
    name: str(row.name),
    status: row.status as BotStatus,
    project: str(row.project),
    vm_name: strOrNull(row.vm_name),
    character: (row.character as BotCharacter | null) ?? null,
    tags: row.tags as string[],
    last_seen_at: strOrNull(row.last_seen_at),
  };
}

class RtdbBotsRepository
  extends RtdbCollection<Bot, BotCreate, BotUpdate, BotListQuery>
  implements BotsRepository
{
  constructor(database: Database) {
    super(database, {
      domain: 'bots',
      toItem: toBot,
      filter: (b, q) =>
        matches(b.status, q.status) &&
        matches(b.project, q.project) &&
        (!q.tag || b.tags.includes(q.tag)) &&
        within(b.created_at, q.created_from, q.created_to),
      sorts: {
        created_at: byText((b) => b.created_at),
        updated_at: byText((b) => b.updated_at),
        name: byText((b) => b.name),
      },
    });
  }

  async stats(): Promise<BotStats> {
    const counts = new Map<string, BotCountRow>();
    for (const bot of await this.all()) {
      const key = `${bot.project}\u0000${bot.status}`;
      const row = counts.get(key) ?? { project: bot.project, status: bot.status, count: 0 };
      row.count += 1;
      counts.set(key, row);
    }
    return foldBotCounts([...counts.values()]);
  }
}

// ---- resources ----------------------------------------------------------------------------------
const licenses = (database: Database) =>
  new RtdbCollection<License, LicenseCreate, LicenseUpdate, LicenseListQuery>(database, {
    domain: 'licenses',
    toItem: (key, row, bots) => ({
      ...stampsOf(key, row),
      key: str(row.key),
      type: row.type as License['type'],
      status: row.status as License['status'],
      expires_at: strOrNull(row.expires_at),
      // Bindings to bots the import finds (license_bots), in one stable order.
      bot_ids: [...new Set(row.bot_legacy_ids as string[])].filter((b) => bots.has(b)).sort(),
    }),
    filter: (l, q) =>
      matches(l.status, q.status) &&
      matches(l.type, q.type) &&
      (!q.bot_id || l.bot_ids.includes(q.bot_id)) &&
      within(l.expires_at, q.expires_from, q.expires_to),
    sorts: {
      created_at: byText((l) => l.created_at),
      expires_at: byText((l) => l.expires_at),
    },
    checkUnique: (input, others) => {
      if (input.key !== undefined && others.some((l) => l.key === input.key))
        throw uniqueConflict(['key']);
    },
  });

const proxies = (database: Database) =>
  new RtdbCollection<Proxy, ProxyCreate, ProxyUpdate, ProxyListQuery>(database, {
    domain: 'proxies',
    toItem: (key, row, bots) => ({
      ...stampsOf(key, row),
      ip: str(row.ip),
      port: row.port as number,
      login: strOrNull(row.login),
      password: strOrNull(row.password),
      provider: str(row.provider),
      country: strOrNull(row.country),
      status: row.status as Proxy['status'],
      expires_at: strOrNull(row.expires_at),
      bot_id: botOf(bots, row.legacy_bot_id),
    }),
    filter: (p, q) =>
      matches(p.status, q.status) &&
      matches(p.provider, q.provider) &&
      matches(p.country, q.country) &&
      matches(p.bot_id, q.bot_id) &&
      within(p.expires_at, q.expires_from, q.expires_to),
    sorts: {
      created_at: byText((p) => p.created_at),
      expires_at: byText((p) => p.expires_at),
    },
    checkUnique: (input, others, current) => {
      const ip = input.ip ?? current?.ip;
      const port = input.port ?? current?.port;
      if (
        (input.ip !== undefined || input.port !== undefined) &&
        others.some((p) => p.ip === ip && p.port === port)
      )
        throw uniqueConflict(['ip', 'port']);
    },
  });

const subscriptions = (database: Database) =>
  new RtdbCollection<Subscription, SubscriptionCreate, SubscriptionUpdate, SubscriptionListQuery>(
    database,
    {
      domain: 'subscriptions',
      toItem: (key, row, bots) => ({
        ...stampsOf(key, row),
        name: str(row.name),
        type: row.type as Subscription['type'],
        price: str(row.price),
        currency: str(row.currency),
        renews_at: strOrNull(row.renews_at),
        bot_id: botOf(bots, row.legacy_bot_id),
      }),
      filter: (s, q) =>
        matches(s.type, q.type) &&
        matches(s.currency, q.currency) &&
        matches(s.bot_id, q.bot_id) &&
        within(s.renews_at, q.renews_from, q.renews_to),
      sorts: {
        created_at: byText((s) => s.created_at),
        renews_at: byText((s) => s.renews_at),
      },
    },
  );

// ---- workspace ----------------------------------------------------------------------------------
const notes = (database: Database) =>
  new RtdbCollection<Note, NoteCreate, NoteUpdate, NoteListQuery>(database, {
    domain: 'notes',
    toItem: (key, row) => ({
      ...stampsOf(key, row),
      title: str(row.title),
      content: str(row.content),
      pinned: row.pinned as boolean,
    }),
    filter: (n, q) =>
      matches(n.pinned, q.pinned) && within(n.created_at, q.created_from, q.created_to),
    sorts: {
      created_at: byText((n) => n.created_at),
      updated_at: byText((n) => n.updated_at),
    },
  });

const tasks = (database: Database) =>
  new RtdbCollection<Task, TaskCreate, TaskUpdate, TaskListQuery>(database, {
    domain: 'tasks',
    toItem: (key, row, bots) => ({
      ...stampsOf(key, row),
      title: str(row.title),
      status: row.status as Task['status'],
      due_at: strOrNull(row.due_at),
      bot_id: botOf(bots, row.legacy_bot_id),
    }),
    filter: (t, q) =>
      matches(t.status, q.status) &&
      matches(t.bot_id, q.bot_id) &&
      within(t.due_at, q.due_from, q.due_to),
    sorts: {
      created_at: byText((t) => t.created_at),
      due_at: byText((t) => t.due_at),
    },
  });

const calendar = (database: Database) =>
  new RtdbCollection<CalendarEvent, CalendarEventCreate, CalendarEventUpdate, CalendarListQuery>(
    database,
    {
      domain: 'calendar_events',
      toItem: (key, row) => ({
        ...stampsOf(key, row),
        title: str(row.title),
        date: str(row.date),
        note: str(row.note),
      }),
      // Plain days compare as text (YYYY-MM-DD).
      filter: (e, q) => (!q.from || e.date >= q.from) && (!q.to || e.date < q.to),
      sorts: {
        date: byText((e) => e.date),
        created_at: byText((e) => e.created_at),
      },
    },
  );

// ---- finance ------------------------------------------------------------------------------------
function operationMatches(o: Operation, q: FinanceSummaryQuery, bots: Bots): boolean {
  return (
    matches(o.type, q.type) &&
    matches(o.category, q.category) &&
    matches(o.currency, q.currency) &&
    matches(o.bot_id, q.bot_id) &&
    (!q.project || (o.bot_id !== null && bots.get(o.bot_id)?.project === q.project)) &&
    within(o.occurred_at, q.from, q.to)
  );
}

class RtdbOperationsRepository
  extends RtdbCollection<Operation, OperationCreate, OperationUpdate, OperationListQuery>
  implements OperationsRepository
{
  constructor(database: Database) {
    super(database, {
      domain: 'finance_operations',
      toItem: (key, row, bots) => {
        const botId = botOf(bots, row.legacy_bot_id);
        return {
          ...stampsOf(key, row),
          type: row.type as Operation['type'],
          category: str(row.category),
          amount: str(row.amount),
          currency: str(row.currency),
          occurred_at: str(row.occurred_at),
          bot_id: botId,
          bot_name: botId === null ? null : bots.get(botId)!.name,
          comment: str(row.comment),
        };
      },
      filter: operationMatches,
      sorts: {
        occurred_at: byText((o) => o.occurred_at),
        created_at: byText((o) => o.created_at),
        amount: byNumber((o) => o.amount),
      },
    });
    this.#database = database;
  }
  readonly #database: Database;

  /** Summed in memory, in exact cents: RTDB has no aggregation. */
  async summary(q: FinanceSummaryQuery): Promise<FinanceSummary> {
    const bots = await readBots(this.#database);
    return summarizeOperations((await this.all()).filter((o) => operationMatches(o, q, bots)));
  }
}

// ---- settings -----------------------------------------------------------------------------------
// Sections live at settings/<section> with the legacy camelCase keys. Their updated_at is kept
// beside them (SETTINGS_TIMES), not inside: the import reports any unknown field of a section.
const SETTINGS_TIMES = 'bot-mox-meta/settings-updated-at';

/** API data field -> legacy field of each section, inverted from the import's mapping. */
const SETTINGS_LEGACY_NAMES: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(SETTINGS_FIELDS).map(([section, fields]) => [
    section,
    Object.fromEntries(Object.entries(fields).map(([legacy, f]) => [f.column, legacy])),
  ]),
);

class RtdbSettingsRepository implements SettingsRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async list(): Promise<StoredSettingsSection[]> {
    const [sections, times] = await Promise.all([
      readNode(this.#database, 'settings'),
      readNode(this.#database, SETTINGS_TIMES),
    ]);
    // By section name, as the Postgres repository lists them.
    return [...SETTINGS_SECTIONS].sort().flatMap((name) => {
      const s = this.#section(name, sections[name], times[name]);
      return s ? [s] : [];
    });
  }

  #section(name: SettingsSectionName, value: unknown, time: unknown): StoredSettingsSection | null {
    if (value === undefined) return null;
    const { row } = mapRecord('settings', name, value);
    if (!row) return null;
    return {
      section: name,
      data: row.data as Record<string, unknown>,
      updated_at: new Date(typeof time === 'number' ? time : 0).toISOString(),
    };
  }

  async get(section: SettingsSectionName): Promise<StoredSettingsSection | null> {
    const [value, time] = await Promise.all([
      this.#database.ref(`settings/${section}`).once('value'),
      this.#database.ref(`${SETTINGS_TIMES}/${section}`).once('value'),
    ]);
    return this.#section(section, value.val() ?? undefined, time.val());
  }

  async put(
    section: SettingsSectionName,
    data: Record<string, unknown>,
  ): Promise<StoredSettingsSection> {
    const names = SETTINGS_LEGACY_NAMES[section]!;
    const legacy = Object.fromEntries(
      Object.entries(data).map(([field, value]) => [names[field] ?? field, value]),
    );
    await this.#database.ref().update({
      [`settings/${section}`]: legacy,
      [`${SETTINGS_TIMES}/${section}`]: ServerValue.TIMESTAMP,
    });
    const stored = await this.get(section);
    if (!stored)
      throw new Error(`settings/${section}: the section just written does not read back`);
    return stored;
  }
}

/** Every domain's repository on the legacy RTDB. */
export function rtdbRepositories(database: Database): Repositories {
  return {
    bots: new RtdbBotsRepository(database),
    resources: {
      licenses: licenses(database),
      proxies: proxies(database),
      subscriptions: subscriptions(database),
    },
    workspace: { notes: notes(database), tasks: tasks(database), calendar: calendar(database) },
    operations: new RtdbOperationsRepository(database),
    settings: new RtdbSettingsRepository(database),
  };
}
