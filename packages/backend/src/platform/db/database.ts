// Kysely over a pg Pool, with the table types of supabase/migrations.
import { InvalidReferenceError } from '../errors.ts';
import { Kysely, PostgresDialect, type ColumnType, type Generated } from 'kysely';
import pg from 'pg';

type Timestamptz = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

interface Common {
  id: Generated<string>;
  legacy_id: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BotsTable extends Common {
  name: string;
  status: string;
  project: string;
  vm_name: string | null;
  character: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  tags: string[];
  last_seen_at: Timestamptz | null;
}
export interface LicensesTable extends Common {
  key: string;
  type: string;
  status: string;
  expires_at: Timestamptz | null;
  legacy_orphan_bot_ids: ColumnType<string[], string[] | undefined, string[]>;
}
export interface LicenseBotsTable {
  license_id: string;
  bot_id: string;
}
export interface ProxiesTable extends Common {
  ip: string;
  port: number;
  login: string | null;
  password: string | null;
  provider: string;
  country: string | null;
  status: string;
  expires_at: Timestamptz | null;
  bot_id: string | null;
  legacy_bot_id: string | null;
}
export interface SubscriptionsTable extends Common {
  name: string;
  type: string;
  price: string;
  currency: string;
  renews_at: Timestamptz | null;
  bot_id: string | null;
  legacy_bot_id: string | null;
}
export interface NotesTable extends Common {
  title: string;
  content: string;
  pinned: boolean;
}
export interface TasksTable extends Common {
  title: string;
  status: string;
  due_at: Timestamptz | null;
  bot_id: string | null;
  legacy_bot_id: string | null;
}
export interface CalendarEventsTable extends Common {
  title: string;
  date: string;
  note: string;
}
export interface FinanceOperationsTable extends Common {
  type: string;
  category: string;
  amount: string;
  currency: string;
  occurred_at: Timestamptz;
  bot_id: string | null;
  legacy_bot_id: string | null;
  comment: string;
}
export interface FinanceMonthlyTotalsTable {
  currency: string;
  month: string;
  category: string;
  type: string;
  amount_sum: string;
  operations: string;
}
export interface SettingsTable {
  section: string;
  /** The section name when the row was imported from RTDB (migrate:rtdb). */
  legacy_id: string | null;
  data: ColumnType<Record<string, unknown>, string, string>;
  updated_at: CreatedAt;
}

export interface Database {
  bots: BotsTable;
  licenses: LicensesTable;
  license_bots: LicenseBotsTable;
  proxies: ProxiesTable;
  subscriptions: SubscriptionsTable;
  notes: NotesTable;
  tasks: TasksTable;
  calendar_events: CalendarEventsTable;
  finance_operations: FinanceOperationsTable;
  finance_monthly_totals: FinanceMonthlyTotalsTable;
  settings: SettingsTable;
}

export type Db = Kysely<Database>;

const DATE_OID = 1082;
const INET_OID = 869;

/** pg parsers: `date` stays 'YYYY-MM-DD' (no local-midnight Date); numeric and int8 stay strings. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === DATE_OID || oid === INET_OID) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

export interface DatabaseHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDatabase(
  url: string,
  options: { max?: number; connectTimeoutMs?: number } = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    idleTimeoutMillis: 30_000,
    // A statement may not hold a request for ever.
    statement_timeout: 15_000,
    application_name: 'bot-mox-backend',
    types,
  });
  // An idle client that loses its connection emits here; without a listener it would crash us.
  pool.on('error', () => {});
  // So does a checked-out client whose server goes away mid-query (the query rejects anyway).
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string): boolean => UUID_RE.test(v);

/** A bot reference from a request: null stays null; anything not a UUID can name no bot here. */
export function botRef(id: string | null | undefined, field = 'bot_id'): string | null | undefined {
  if (id === undefined || id === null) return id;
  if (!isUuid(id)) throw new InvalidReferenceError(field);
  return id;
}

/** The object without its undefined properties (a PATCH body becomes an UPDATE ... SET). */
export function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
