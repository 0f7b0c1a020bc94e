import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import type {
  FinanceSummary,
  FinanceSummaryQuery,
  Operation,
  OperationCreate,
  OperationListQuery,
  OperationUpdate,
} from '@bot-mox/contracts';
import { KyselyCollection, inRange, matching, ofBot } from '../../platform/db/collection.ts';
import { rowStamps, withBotRef, type Database, type Db } from '../../platform/db/database.ts';
import { sortBy } from '../../platform/db/keyset.ts';
import type { OperationsRepository } from './repository.ts';
import { shapeSummary, type SummaryRow } from './summary.ts';

// The bot's name for people (the UI shows it, not the id). A scalar subquery rather than a join so
// that the same expression serves the list, get and the RETURNING of insert and update; each row
// costs one primary-key lookup. Null without a bot; the FK sets bot_id null when a bot is deleted.
const botName = sql<
  string | null
>`(select bots.name from bots where bots.id = finance_operations.bot_id)`.as('bot_name');

type OperationRow = Selectable<Database['finance_operations']> & { bot_name: string | null };

function toOperation(row: OperationRow): Operation {
  return {
    ...rowStamps(row),
    type: row.type as Operation['type'],
    category: row.category,
    amount: row.amount,
    currency: row.currency,
    occurred_at: row.occurred_at.toISOString(),
    bot_id: row.bot_id,
    bot_name: row.bot_name,
    comment: row.comment,
  };
}

const isMonthStart = (t: string): boolean => {
  const d = new Date(t);
  return (
    d.getUTCDate() === 1 &&
    d.getUTCHours() === 0 &&
    d.getUTCMinutes() === 0 &&
    d.getUTCSeconds() === 0 &&
    d.getUTCMilliseconds() === 0
  );
};

/** The rollup's grain: currency, UTC month, category, type. Bot and project filters are finer. */
export function monthAligned(q: FinanceSummaryQuery): boolean {
  return (
    !q.bot_id && !q.project && (!q.from || isMonthStart(q.from)) && (!q.to || isMonthStart(q.to))
  );
}

/** The filters the list and the summary share, on any query of finance_operations. */
function filterOperations<O>(
  qb: SelectQueryBuilder<Database, 'finance_operations', O>,
  q: FinanceSummaryQuery,
): SelectQueryBuilder<Database, 'finance_operations', O> {
  qb = ofBot(matching(qb, { type: q.type, category: q.category, currency: q.currency }), q.bot_id);
  if (q.project) {
    const project = q.project;
    qb = qb.where('finance_operations.bot_id', 'in', (eb) =>
      eb.selectFrom('bots').select('bots.id').where('bots.project', '=', project),
    );
  }
  return inRange(qb, 'occurred_at', q.from, q.to);
}

/** Finance operations in Postgres: the collection, plus the summary over them. */
export class KyselyOperationsRepository
  extends KyselyCollection<
    'finance_operations',
    OperationRow,
    Operation,
    OperationCreate,
    OperationUpdate,
    OperationListQuery
  >
  implements OperationsRepository
{
  constructor(db: Db) {
    super(db, {
      table: 'finance_operations',
      select: (db) =>
        db.selectFrom('finance_operations').selectAll('finance_operations').select(botName),
      filter: filterOperations,
      sorts: {
        occurred_at: sortBy('finance_operations.occurred_at'),
        created_at: sortBy('finance_operations.created_at'),
        amount: sortBy('finance_operations.amount', 'numeric'),
      },
      toItem: toOperation,
      insert: (db, input) =>
        db
          .insertInto('finance_operations')
          .values(withBotRef(input))
          .returningAll()
          .returning(botName),
      update: (db, patch) =>
        db
          .updateTable('finance_operations')
          .set(withBotRef(patch))
          .returningAll()
          .returning(botName),
    });
  }

  async summary(q: FinanceSummaryQuery): Promise<FinanceSummary> {
    // One pass; grouping sets give the per-currency, per-month and per-category totals together.
    // Sums are numeric and leave Postgres as text. The monthly rollup (kept by triggers) answers
    // whenever the filters line up with its grain; otherwise the operations themselves are read.
    const source = monthAligned(q) ? this.#rollupSource(q) : this.#operationsSource(q);
    const result = await sql<Omit<SummaryRow, 'operations'> & { operations: string }>`
      select o.currency::text as currency,
             case when grouping(o.month) = 0 then o.month end as month,
             case when grouping(o.category) = 0 then o.category end as category,
             round(coalesce(sum(o.amount) filter (where o.type = 'income'), 0), 2)::text as income,
             round(coalesce(sum(o.amount) filter (where o.type = 'expense'), 0), 2)::text as expense,
             round(coalesce(sum(case when o.type = 'income' then o.amount else -o.amount end), 0), 2)::text as net,
             sum(o.operations) as operations
        from (${source}) o
       group by grouping sets ((o.currency), (o.currency, o.month), (o.currency, o.category))
    `.execute(this.db);
    return shapeSummary(result.rows.map((r) => ({ ...r, operations: Number(r.operations) })));
  }

  #operationsSource(q: FinanceSummaryQuery) {
    return filterOperations(this.db.selectFrom('finance_operations'), q).select([
      'finance_operations.currency',
      'finance_operations.category',
      'finance_operations.type',
      'finance_operations.amount',
      sql<number>`1`.as('operations'),
      sql<string>`to_char(finance_operations.occurred_at at time zone 'UTC', 'YYYY-MM')`.as(
        'month',
      ),
    ]);
  }

  #rollupSource(q: FinanceSummaryQuery) {
    let qb = this.db
      .selectFrom('finance_monthly_totals as r')
      .select([
        'r.currency',
        'r.category',
        'r.type',
        sql<string>`r.amount_sum`.as('amount'),
        'r.operations',
        sql<string>`to_char(r.month, 'YYYY-MM')`.as('month'),
      ])
      .where('r.operations', '>', '0');
    if (q.type) qb = qb.where('r.type', '=', q.type);
    if (q.category) qb = qb.where('r.category', '=', q.category);
    if (q.currency) qb = qb.where('r.currency', '=', q.currency);
    if (q.from) qb = qb.where('r.month', '>=', new Date(q.from).toISOString().slice(0, 10));
    if (q.to) qb = qb.where('r.month', '<', new Date(q.to).toISOString().slice(0, 10));
    return qb;
  }
}
