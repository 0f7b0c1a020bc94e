// Cursor pagination with a stable order: every list sorts by (sort expression, id), and its
// cursor carries the last row's values of both, so that a page never repeats or skips a row
// however many rows share a sort value.
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { badRequest } from '../http/problem.ts';

export interface SortColumn {
  /** SQL of the sort value; nullable columns are coalesced so that the order is total. */
  expr: RawBuilder<unknown>;
  /** Postgres type to cast the cursor's value back to. */
  type: 'timestamptz' | 'text' | 'numeric' | 'date';
}

/** Sort by a column's own value. */
export function sortBy(column: string, type: SortColumn['type'] = 'timestamptz'): SortColumn {
  return { expr: sql.ref(column), type };
}

/** Sort by a nullable time; rows without one come after every time, so the order stays total. */
export function sortByTimeNullsLast(column: string): SortColumn {
  return { expr: sql`coalesce(${sql.ref(column)}, 'infinity'::timestamptz)`, type: 'timestamptz' };
}

export interface CursorPosition {
  value: string;
  id: string;
}

export function encodeCursor(sort: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([sort, position.value, position.id]), 'utf8').toString(
    'base64url',
  );
}

/** Decodes a cursor made for `sort`; a foreign or damaged cursor is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, sort: string): CursorPosition {
  const fail = (message: string) => badRequest([{ field: 'query.cursor', message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw fail('not a cursor of this API');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    !parsed.every((p) => typeof p === 'string')
  ) {
    throw fail('not a cursor of this API');
  }
  const [cursorSort, value, id] = parsed as [string, string, string];
  if (cursorSort !== sort)
    throw fail(`made for sort=${cursorSort}; repeat the request with that sort`);
  return { value, id };
}

export function parseSort(sort: string): { field: string; desc: boolean } {
  return sort.startsWith('-') ? { field: sort.slice(1), desc: true } : { field: sort, desc: false };
}

/**
 * Applies order, cursor and limit to `qb` (which must select from a table with `id uuid`), runs
 * it and returns the page. Rows keep the extra `_sort` text column it adds (copying every row to
 * drop it was a visible cost of each list): map them to the contract field by field.
 */
export async function keysetPage<DB, TB extends keyof DB, O extends { id: string }>(
  qb: SelectQueryBuilder<DB, TB, O>,
  opts: {
    sort: string;
    columns: Record<string, SortColumn>;
    idColumn: RawBuilder<unknown>;
    limit: number;
    cursor: string | undefined;
  },
): Promise<{ rows: O[]; nextCursor: string | null }> {
  const { field, desc } = parseSort(opts.sort);
  const column = opts.columns[field];
  if (!column) throw badRequest([{ field: 'query.sort', message: `cannot sort by ${field}` }]);
  let q = qb.select(
    sql<string>`(${column.expr})::text`.as('_sort'),
  ) as unknown as SelectQueryBuilder<DB, TB, O & { _sort: string }>;
  if (opts.cursor) {
    const at = decodeCursor(opts.cursor, opts.sort);
    const op = sql.raw(desc ? '<' : '>');
    const idValue = /^[0-9a-f-]{36}$/i.test(at.id) ? at.id : '00000000-0000-0000-0000-000000000000';
    q = q.where(
      sql<boolean>`(${column.expr}, ${opts.idColumn}) ${op} (cast(${at.value} as ${sql.raw(column.type)}), cast(${idValue} as uuid))`,
    );
  }
  const dir = sql.raw(desc ? 'desc' : 'asc');
  q = q
    .orderBy(sql`${column.expr} ${dir}`)
    .orderBy(sql`${opts.idColumn} ${dir}`)
    .limit(opts.limit + 1);
  const rows = await q.execute();
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page.at(-1);
  const nextCursor =
    more && last ? encodeCursor(opts.sort, { value: last._sort, id: last.id }) : null;
  return { rows: page as unknown as O[], nextCursor };
}
