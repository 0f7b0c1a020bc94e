// One Kysely repository for every collection: list (filters, keyset paging), get, create, patch,
// delete. A domain declares only what differs in a spec: its table, how a row is read (extra
// computed columns), filters, sorts, the row's mapping to the contract, the INSERT and UPDATE of
// its columns, and extra writes that belong in the same transaction (license_bots).
//
// Kysely can't type a statement whose table is a type parameter, so the spec builds every
// statement that names columns (typed against the generated tables) and the core only adds
// `WHERE id`, runs it and maps the rows.
import {
  sql,
  type InsertQueryBuilder,
  type SelectQueryBuilder,
  type UpdateQueryBuilder,
} from 'kysely';
import type { PageOf } from '@bot-mox/contracts';
import type { CollectionRepository } from '../repository.ts';
import { NO_ROWS, isUuid, type Database, type Db } from './database.ts';
import { keysetPage, type SortColumn } from './keyset.ts';

/** Tables with a uuid `id`, the key of every collection. */
export type CollectionTable = {
  [K in keyof Database]: Database[K] extends { id: unknown } ? K : never;
}[keyof Database];

/** What every list query carries (contracts' pageQuery plus its sort). */
export interface PageQuery {
  sort: string;
  limit: number;
  cursor?: string | undefined;
}

type Select<TB extends CollectionTable, Row> = SelectQueryBuilder<Database, TB, Row>;

type Column<TB extends CollectionTable> = keyof Database[TB] & string;

/** `column = value` for each filter the query gave (an absent or empty one filters nothing). */
export function matching<TB extends CollectionTable, O>(
  qb: SelectQueryBuilder<Database, TB, O>,
  filters: { [C in Column<TB>]?: string | boolean | undefined },
): SelectQueryBuilder<Database, TB, O> {
  for (const [column, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '')
      qb = qb.where(sql<boolean>`${sql.ref(column)} = ${value}`);
  }
  return qb;
}

/** The rows of one bot; an id that is no uuid names no bot here (no rows rather than an error). */
export function ofBot<TB extends CollectionTable, O>(
  qb: SelectQueryBuilder<Database, TB, O>,
  botId: string | undefined,
): SelectQueryBuilder<Database, TB, O> {
  if (!botId) return qb;
  return qb.where(isUuid(botId) ? sql<boolean>`bot_id = ${botId}` : NO_ROWS);
}

/**
 * The lists' `[from, to)` filters: `from <= column < to`, each bound only when given. Times
 * are read as instants (`new Date`), plain dates (calendar) pass as they are.
 */
export function inRange<TB extends CollectionTable, O>(
  qb: SelectQueryBuilder<Database, TB, O>,
  column: Column<TB>,
  from: string | undefined,
  to: string | undefined,
  value: (bound: string) => Date | string = (bound) => new Date(bound),
): SelectQueryBuilder<Database, TB, O> {
  if (from) qb = qb.where(sql<boolean>`${sql.ref(column)} >= ${value(from)}`);
  if (to) qb = qb.where(sql<boolean>`${sql.ref(column)} < ${value(to)}`);
  return qb;
}

/** How a collection is read: enough for list and get. */
export interface CollectionReads<
  TB extends CollectionTable,
  Row extends { id: string },
  T,
  Q extends PageQuery,
> {
  table: TB;
  /** The row as every read returns it: the table's columns and any computed ones. */
  select(db: Db): Select<TB, Row>;
  /** The list's filters; the core adds order, cursor and limit. */
  filter(qb: Select<TB, Row>, query: Q): Select<TB, Row>;
  /** The list's sort keys (`-` prefix for descending is parsed by the core). */
  sorts: Record<string, SortColumn>;
  toItem(row: Row): T;
}

/** How a collection is written, beside how it is read. */
export interface CollectionSpec<
  TB extends CollectionTable,
  Row extends { id: string },
  T,
  C,
  U,
  Q extends PageQuery,
> extends CollectionReads<TB, Row, T, Q> {
  /** INSERT of a new item, returning its row as `select` reads it. */
  insert(db: Db, input: C): InsertQueryBuilder<Database, TB, Row>;
  /** UPDATE of one item's columns (the core adds WHERE id), returning its row as `select` does. */
  update(db: Db, patch: U): UpdateQueryBuilder<Database, TB, TB, Row>;
  /**
   * Writes that go with the item's own, in its transaction (e.g. the license_bots of a license);
   * the row is then read again with `select`. Throwing rolls the whole write back.
   */
  afterWrite?(trx: Db, id: string, input: C | U): Promise<void>;
}

export class KyselyCollectionReader<
  TB extends CollectionTable,
  Row extends { id: string },
  T,
  Q extends PageQuery,
> {
  protected readonly db: Db;
  protected readonly spec: CollectionReads<TB, Row, T, Q>;
  constructor(db: Db, spec: CollectionReads<TB, Row, T, Q>) {
    this.db = db;
    this.spec = spec;
  }

  protected idColumn() {
    return sql.ref(`${this.spec.table}.id`);
  }

  async list(query: Q): Promise<PageOf<T>> {
    const page = await keysetPage(this.spec.filter(this.spec.select(this.db), query), {
      sort: query.sort,
      columns: this.spec.sorts,
      idColumn: this.idColumn(),
      limit: query.limit,
      cursor: query.cursor,
    });
    return { items: page.rows.map((row) => this.spec.toItem(row)), next_cursor: page.nextCursor };
  }

  /** Null for an id that names nothing, including one that is no uuid (it can't exist here). */
  async get(id: string): Promise<T | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.byId(this.db, id).execute();
    return row ? this.spec.toItem(row) : null;
  }

  protected byId(db: Db, id: string): Select<TB, Row> {
    return this.spec.select(db).where(this.idColumn(), '=', id);
  }
}

export class KyselyCollection<
  TB extends CollectionTable,
  Row extends { id: string },
  T,
  C,
  U,
  Q extends PageQuery,
>
  extends KyselyCollectionReader<TB, Row, T, Q>
  implements CollectionRepository<T, C, U, Q>
{
  readonly #spec: CollectionSpec<TB, Row, T, C, U, Q>;
  constructor(db: Db, spec: CollectionSpec<TB, Row, T, C, U, Q>) {
    super(db, spec);
    this.#spec = spec;
  }

  async create(input: C): Promise<T> {
    const { afterWrite } = this.#spec;
    if (!afterWrite)
      return this.spec.toItem(await this.#spec.insert(this.db, input).executeTakeFirstOrThrow());
    return this.db.transaction().execute(async (trx) => {
      const { id } = await this.#spec.insert(trx, input).executeTakeFirstOrThrow();
      await afterWrite(trx, id, input);
      return this.spec.toItem(await this.byId(trx, id).executeTakeFirstOrThrow());
    });
  }

  async update(id: string, patch: U): Promise<T | null> {
    if (!isUuid(id)) return null;
    const { afterWrite } = this.#spec;
    const write = async (db: Db) => {
      const [row] = await this.#spec.update(db, patch).where(this.idColumn(), '=', id).execute();
      return row;
    };
    if (!afterWrite) {
      const row = await write(this.db);
      return row ? this.spec.toItem(row) : null;
    }
    return this.db.transaction().execute(async (trx) => {
      if (!(await write(trx))) return null;
      await afterWrite(trx, id, patch);
      return this.spec.toItem(await this.byId(trx, id).executeTakeFirstOrThrow());
    });
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await sql`delete from ${sql.table(this.spec.table)} where id = ${id}`.execute(
      this.db,
    );
    return (result.numAffectedRows ?? 0n) > 0n;
  }
}
