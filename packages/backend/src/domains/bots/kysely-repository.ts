import { sql, type Selectable } from 'kysely';
import type {
  Bot,
  BotCharacter,
  BotCreate,
  BotListQuery,
  BotStats,
  BotStatus,
  BotUpdate,
} from '@bot-mox/contracts';
import { KyselyCollection, inRange, matching } from '../../platform/db/collection.ts';
import { iso, rowStamps, type Database, type Db } from '../../platform/db/database.ts';
import { sortBy } from '../../platform/db/keyset.ts';
import type { BotsRepository } from './repository.ts';
import { foldBotCounts } from './stats.ts';

type BotRow = Selectable<Database['bots']>;

export function toBot(row: BotRow): Bot {
  return {
    ...rowStamps(row),
    name: row.name,
    status: row.status as BotStatus,
    project: row.project,
    vm_name: row.vm_name,
    character: (row.character as BotCharacter | null) ?? null,
    tags: row.tags,
    last_seen_at: iso(row.last_seen_at),
  };
}

/** Bots in Postgres: the collection, plus stats over every bot. */
export class KyselyBotsRepository
  extends KyselyCollection<'bots', BotRow, Bot, BotCreate, BotUpdate, BotListQuery>
  implements BotsRepository
{
  constructor(db: Db) {
    super(db, {
      table: 'bots',
      select: (db) => db.selectFrom('bots').selectAll('bots'),
      filter: (qb, q) => {
        qb = matching(qb, { status: q.status, project: q.project });
        if (q.tag) qb = qb.where(sql<boolean>`tags @> array[${q.tag}]::text[]`);
        return inRange(qb, 'created_at', q.created_from, q.created_to);
      },
      sorts: {
        created_at: sortBy('bots.created_at'),
        updated_at: sortBy('bots.updated_at'),
        name: sortBy('bots.name', 'text'),
      },
      toItem: toBot,
      insert: (db, input) =>
        db
          .insertInto('bots')
          .values({
            ...input,
            character: input.character ? JSON.stringify(input.character) : null,
          })
          .returningAll(),
      update: (db, { character, ...patch }) =>
        db
          .updateTable('bots')
          .set({ ...patch, character: character && JSON.stringify(character) })
          .returningAll(),
    });
  }

  async stats(): Promise<BotStats> {
    // One grouped scan (at most projects × statuses rows), folded into the totals in code.
    const rows = await this.db
      .selectFrom('bots')
      .select(['project', 'status', (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy(['project', 'status'])
      .execute();
    return foldBotCounts(
      rows.map((r) => ({
        project: r.project,
        status: r.status as BotStatus,
        count: Number(r.count),
      })),
    );
  }
}
