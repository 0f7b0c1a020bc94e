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
import { KyselyCollection } from '../../platform/db/collection.ts';
import { defined, type Database, type Db } from '../../platform/db/database.ts';
import type { BotsRepository } from './repository.ts';
import { foldBotCounts } from './stats.ts';

type BotRow = Selectable<Database['bots']>;

export function toBot(row: BotRow): Bot {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    name: row.name,
    status: row.status as BotStatus,
    project: row.project,
    vm_name: row.vm_name,
    character: (row.character as BotCharacter | null) ?? null,
    tags: row.tags,
    last_seen_at: row.last_seen_at ? row.last_seen_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
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
        if (q.status) qb = qb.where('status', '=', q.status);
        if (q.project) qb = qb.where('project', '=', q.project);
        if (q.tag) qb = qb.where(sql<boolean>`tags @> array[${q.tag}]::text[]`);
        if (q.created_from) qb = qb.where('created_at', '>=', new Date(q.created_from));
        if (q.created_to) qb = qb.where('created_at', '<', new Date(q.created_to));
        return qb;
      },
      sorts: {
        created_at: { expr: sql`bots.created_at`, type: 'timestamptz' },
        updated_at: { expr: sql`bots.updated_at`, type: 'timestamptz' },
        name: { expr: sql`bots.name`, type: 'text' },
      },
      toItem: toBot,
      insert: (db, input) =>
        db
          .insertInto('bots')
          .values({
            legacy_id: null,
            name: input.name,
            status: input.status,
            project: input.project,
            vm_name: input.vm_name ?? null,
            character: input.character ? JSON.stringify(input.character) : null,
            tags: input.tags,
            last_seen_at: input.last_seen_at ?? null,
          })
          .returningAll(),
      update: (db, { character, ...patch }) =>
        db
          .updateTable('bots')
          .set(
            defined({
              ...patch,
              character:
                character === undefined ? undefined : character && JSON.stringify(character),
            }),
          )
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
