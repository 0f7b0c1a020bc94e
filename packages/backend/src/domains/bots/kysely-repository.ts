import { sql, type Selectable } from 'kysely';
import type {
  Bot,
  BotCharacter,
  BotCreate,
  BotListQuery,
  BotStats,
  BotStatus,
  BotUpdate,
  PageOf,
} from '@bot-mox/contracts';
import type { BotsTable, Db } from '../../platform/db/database.ts';
import { isUuid } from '../../platform/db/database.ts';
import { keysetPage, type SortColumn } from '../../platform/db/keyset.ts';
import type { BotsRepository } from './repository.ts';
import { foldBotCounts } from './stats.ts';

const sorts: Record<string, SortColumn> = {
  created_at: { expr: sql`bots.created_at`, type: 'timestamptz' },
  updated_at: { expr: sql`bots.updated_at`, type: 'timestamptz' },
  name: { expr: sql`bots.name`, type: 'text' },
};

export function toBot(row: Selectable<BotsTable>): Bot {
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

export class KyselyBotsRepository implements BotsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async list(q: BotListQuery): Promise<PageOf<Bot>> {
    let qb = this.#db.selectFrom('bots').selectAll('bots');
    if (q.status) qb = qb.where('status', '=', q.status);
    if (q.project) qb = qb.where('project', '=', q.project);
    if (q.tag) qb = qb.where(sql<boolean>`tags @> array[${q.tag}]::text[]`);
    if (q.created_from) qb = qb.where('created_at', '>=', new Date(q.created_from));
    if (q.created_to) qb = qb.where('created_at', '<', new Date(q.created_to));
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: sorts,
      idColumn: sql`bots.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toBot), next_cursor: page.nextCursor };
  }

  async stats(): Promise<BotStats> {
    // One grouped scan (at most projects × statuses rows), folded into the totals in code.
    const rows = await this.#db
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

  async get(id: string): Promise<Bot | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .selectFrom('bots')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toBot(row) : null;
  }

  async create(input: BotCreate): Promise<Bot> {
    const row = await this.#db
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
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBot(row);
  }

  async update(id: string, patch: BotUpdate): Promise<Bot | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .updateTable('bots')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.project !== undefined ? { project: patch.project } : {}),
        ...(patch.vm_name !== undefined ? { vm_name: patch.vm_name } : {}),
        ...(patch.character !== undefined
          ? { character: patch.character === null ? null : JSON.stringify(patch.character) }
          : {}),
        ...(patch.tags !== undefined ? { tags: patch.tags } : {}),
        ...(patch.last_seen_at !== undefined ? { last_seen_at: patch.last_seen_at } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toBot(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db.deleteFrom('bots').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
