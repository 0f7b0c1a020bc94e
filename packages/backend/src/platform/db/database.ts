// Kysely over a pg Pool, with the table types generated from supabase/migrations.
import { InvalidReferenceError } from '../errors.ts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './generated.ts';

/**
 * The tables of supabase/migrations as kysely-codegen reads them from a migrated database
 * (generated.ts; `pnpm db:types` rewrites it, the integration suite fails while it is stale).
 * Its options (.kysely-codegenrc.json) make the types say what the pg parsers below return:
 * `dateParser: string` (date is 'YYYY-MM-DD'), `numericParser: string` (numeric is a decimal
 * string); int8 (a string), inet (a string) and timestamptz (a Date) are its defaults. Two jsonb
 * columns are overridden to JSON objects (their check constraints say so), written as JSON text.
 */
export type Database = DB;
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

/** A body that may name a bot, with that reference checked (400 naming bot_id if it can't be). */
export function withBotRef<B extends { bot_id?: string | null | undefined }>(body: B) {
  return { ...body, bot_id: botRef(body.bot_id) };
}

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The columns every collection row has beside its own, as the contracts carry them. */
export function rowStamps(row: {
  id: string;
  legacy_id: string | null;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A filter that no row passes (e.g. a bot_id that is no uuid names no bot here). */
export const NO_ROWS = sql<boolean>`false`;
