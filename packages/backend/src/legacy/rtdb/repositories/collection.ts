// One RTDB repository for every collection, on firebase-admin: list, get, create, patch, delete
// behind the same CollectionRepository interface as the Kysely ones. A domain declares what
// differs in a spec (its record's API shape, filters, sorts, checks before a write).
//
// Records are read as the legacy store holds them and normalised by the migration's own rules
// (records.ts mapRecord), so that the API in RTDB mode shows exactly what the import would write
// to Postgres: a record the import rejects is not served either, and a reference to a bot that
// the import would not find is null here too.
//
// Filtering, sorting and paging happen in the repository: RTDB orders a query by one child
// only, compares raw values (a legacy "Running" is not "running", "8080" not 8080), and has no
// compound or range filter on a second field; the stand-in (firebase-server) even filters in the
// client. So a list reads the collection once (once('value'), see DESIGN §4) and pages in memory.
import type { Database, Reference } from 'firebase-admin/database';
import { ServerValue } from 'firebase-admin/database';
import type { PageOf } from '@bot-mox/contracts';
import type { CollectionRepository } from '../../../platform/repository.ts';
import type { PageQuery } from '../../../platform/db/collection.ts';
import { decodeCursor, encodeCursor, parseSort } from '../../../platform/db/keyset.ts';
import { badRequest, conflict } from '../../../platform/http/problem.ts';
import { InvalidReferenceError } from '../../../platform/errors.ts';
import { DOMAIN_FIELDS, DOMAIN_PATHS, mapRecord, type Domain, type Row } from '../records.ts';

export type CollectionDomain = Exclude<Domain, 'settings'>;

/** What a record needs to know about bots: the ones the import would create, by key. */
export interface BotInfo {
  name: string;
  project: string;
}
export type Bots = ReadonlyMap<string, BotInfo>;

/** The children of `path` as { key: value }; {} when the node is empty (RTDB drops it). */
export async function readNode(database: Database, path: string): Promise<Record<string, unknown>> {
  // once('value') rather than get(): the stand-in serves only the former (DESIGN §4).
  const snapshot = await database.ref(path).once('value');
  const value = snapshot.val() as unknown;
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** The bots as the import would see them: records that map to a row. */
export async function readBots(database: Database): Promise<Bots> {
  const bots = new Map<string, BotInfo>();
  for (const [key, value] of Object.entries(await readNode(database, DOMAIN_PATHS.bots))) {
    const { row } = mapRecord('bots', key, value);
    if (row) bots.set(key, { name: row.name as string, project: row.project as string });
  }
  return bots;
}

// Push ids start with 8 characters of their creation time in ms (base 64, this alphabet).
const PUSH_CHARS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/** The creation time a push id carries; the epoch for a key that is no push id. */
export function pushIdTime(key: string): string {
  let ms = 0;
  for (const c of key.slice(0, 8)) {
    const digit = PUSH_CHARS.indexOf(c);
    if (digit < 0 || key.length !== 20) return new Date(0).toISOString();
    ms = ms * 64 + digit;
  }
  return new Date(ms).toISOString();
}

/**
 * id, legacy_id and the times of a record. The legacy UI kept no times on most records: created_at
 * then comes from the push id and updated_at from created_at (Postgres gives such rows the import's
 * time instead, so parity leaves those fields out: parity.ts).
 */
export function stampsOf(key: string, row: Row) {
  const created = (row.created_at as string | null) ?? pushIdTime(key);
  return {
    id: key,
    legacy_id: key,
    created_at: created,
    updated_at: (row.updated_at as string | null) ?? created,
  };
}

/** A bot reference as the import resolves it: the key when that bot exists, else null. */
export const botOf = (bots: Bots, key: unknown): string | null =>
  typeof key === 'string' && bots.has(key) ? key : null;

/** How the list sorts: the value an item sorts by (null: after every value, as in Postgres). */
export interface SortKey<T> {
  value(item: T): string | null;
  type: 'text' | 'number';
}
export const byText = <T>(value: (item: T) => string | null): SortKey<T> => ({
  value,
  type: 'text',
});
export const byNumber = <T>(value: (item: T) => string): SortKey<T> => ({ value, type: 'number' });

function compareValues(a: string | null, b: string | null, type: SortKey<unknown>['type']) {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (type === 'number') return Number(a) - Number(b);
  return a < b ? -1 : 1;
}

// The cursor carries a null sort value as this marker (values are never empty strings' rivals:
// a null sorts last, an empty string first).
const NULL_MARK = '\u0000null';

/** `value == wanted` when a filter was given (an absent or empty one filters nothing). */
export const matches = (value: unknown, wanted: string | boolean | undefined): boolean =>
  wanted === undefined || wanted === '' || value === wanted;

/** `from <= value < to` for the bounds given, on instants; a null value is outside any range. */
export function within(
  value: string | null,
  from: string | undefined,
  to: string | undefined,
): boolean {
  if (!from && !to) return true;
  if (value === null) return false;
  const t = Date.parse(value);
  return (!from || t >= Date.parse(from)) && (!to || t < Date.parse(to));
}

export interface RtdbSpec<T extends { id: string }, C, U, Q extends PageQuery> {
  domain: CollectionDomain;
  /** The record's API shape from its normalised row (records.ts columns). */
  toItem(key: string, row: Row, bots: Bots): T;
  filter(item: T, query: Q, bots: Bots): boolean;
  sorts: Record<string, SortKey<T>>;
  /**
   * Checks before a write (unique fields), given every other item of the collection; throws the
   * API's error. Not atomic with the write: RTDB has no unique constraint, nor did the legacy app.
   */
  checkUnique?(input: C | U, others: T[], current: T | undefined): void;
}

/** API field -> legacy field, inverted from the import's mapping (records.ts). */
function legacyNames(domain: CollectionDomain): Map<string, string> {
  const names = new Map<string, string>();
  for (const [legacy, field] of Object.entries(DOMAIN_FIELDS[domain])) {
    const api =
      field.column === 'legacy_bot_id'
        ? 'bot_id'
        : field.column === 'bot_legacy_ids'
          ? 'bot_ids'
          : field.column;
    names.set(api, legacy);
  }
  return names;
}

/** RTDB stores no nulls: a nested object keeps its set fields only. */
function withoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

export class RtdbCollection<
  T extends { id: string },
  C extends object,
  U extends object,
  Q extends PageQuery,
> implements CollectionRepository<T, C, U, Q> {
  readonly #database: Database;
  readonly #spec: RtdbSpec<T, C, U, Q>;
  readonly #names: Map<string, string>;
  constructor(database: Database, spec: RtdbSpec<T, C, U, Q>) {
    this.#database = database;
    this.#spec = spec;
    this.#names = legacyNames(spec.domain);
  }

  #ref(key?: string): Reference {
    const path = DOMAIN_PATHS[this.#spec.domain];
    return this.#database.ref(key === undefined ? path : `${path}/${key}`);
  }

  #item(key: string, value: unknown, bots: Bots): T | null {
    const { row } = mapRecord(this.#spec.domain, key, value);
    return row ? this.#spec.toItem(key, row, bots) : null;
  }

  /** Every item of the collection (records the import would reject are left out). */
  async all(): Promise<T[]> {
    const [records, bots] = await Promise.all([
      readNode(this.#database, DOMAIN_PATHS[this.#spec.domain]),
      readBots(this.#database),
    ]);
    const items: T[] = [];
    for (const [key, value] of Object.entries(records)) {
      const item = this.#item(key, value, bots);
      if (item) items.push(item);
    }
    return items;
  }

  async list(query: Q): Promise<PageOf<T>> {
    const { field, desc } = parseSort(query.sort);
    const sort = this.#spec.sorts[field];
    if (!sort) throw badRequest([{ field: 'query.sort', message: `cannot sort by ${field}` }]);
    const [records, bots] = await Promise.all([
      readNode(this.#database, DOMAIN_PATHS[this.#spec.domain]),
      readBots(this.#database),
    ]);
    const dir = desc ? -1 : 1;
    const order = (a: { v: string | null; id: string }, b: { v: string | null; id: string }) =>
      dir * (compareValues(a.v, b.v, sort.type) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let rows: { v: string | null; id: string; item: T }[] = [];
    for (const [key, value] of Object.entries(records)) {
      const item = this.#item(key, value, bots);
      if (item && this.#spec.filter(item, query, bots))
        rows.push({ v: sort.value(item), id: item.id, item });
    }
    if (query.cursor) {
      const at = decodeCursor(query.cursor, query.sort);
      const after = { v: at.value === NULL_MARK ? null : at.value, id: at.id };
      rows = rows.filter((r) => order(r, after) > 0);
    }
    rows.sort(order);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const next =
      rows.length > query.limit && last
        ? encodeCursor(query.sort, { value: last.v ?? NULL_MARK, id: last.id })
        : null;
    return { items: page.map((r) => r.item), next_cursor: next };
  }

  async get(id: string): Promise<T | null> {
    const [snapshot, bots] = await Promise.all([
      this.#ref(id).once('value'),
      readBots(this.#database),
    ]);
    return snapshot.exists() ? this.#item(id, snapshot.val(), bots) : null;
  }

  /** The legacy record's fields for an API body (null removes a field: RTDB keeps no nulls). */
  #fields(body: object): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body)) {
      if (value === undefined) continue;
      const legacy = this.#names.get(name);
      if (!legacy) throw new Error(`${this.#spec.domain}: no legacy field for ${name}`);
      fields[legacy] = withoutNulls(value);
    }
    return fields;
  }

  /** Bot references must name a bot (400 naming the field), as the Postgres foreign keys do. */
  async #checkWrite(body: C | U, current: T | undefined): Promise<void> {
    const { bot_id, bot_ids } = body as { bot_id?: string | null; bot_ids?: string[] };
    if (typeof bot_id === 'string' || bot_ids?.length) {
      const bots = await readBots(this.#database);
      if (typeof bot_id === 'string' && !bots.has(bot_id))
        throw new InvalidReferenceError('bot_id');
      const missing = (bot_ids ?? []).findIndex((b) => !bots.has(b));
      if (missing >= 0) throw new InvalidReferenceError(`bot_ids.${missing}`);
    }
    if (this.#spec.checkUnique) {
      const others = (await this.all()).filter((i) => i.id !== current?.id);
      this.#spec.checkUnique(body, others, current);
    }
  }

  async create(input: C): Promise<T> {
    await this.#checkWrite(input, undefined);
    const ref = this.#ref().push();
    await ref.set({
      ...this.#fields(input),
      createdAt: ServerValue.TIMESTAMP,
      updatedAt: ServerValue.TIMESTAMP,
    });
    const created = await this.get(ref.key!);
    if (!created)
      throw new Error(`${this.#spec.domain}: the record just written does not read back`);
    return created;
  }

  async update(id: string, patch: U): Promise<T | null> {
    const current = await this.get(id);
    if (!current) return null;
    await this.#checkWrite(patch, current);
    await this.#ref(id).update({ ...this.#fields(patch), updatedAt: ServerValue.TIMESTAMP });
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    // A record the API does not show (the import would reject it) is not deleted through it.
    if (!(await this.get(id))) return false;
    await this.#ref(id).remove();
    return true;
  }
}

/** A unique-field conflict as the Postgres path answers it (409 naming the fields). */
export const uniqueConflict = (fields: string[]) =>
  conflict(
    'A record with the same unique field(s) exists.',
    fields.map((f) => ({ field: `body.${f}`, message: 'already exists' })),
  );
