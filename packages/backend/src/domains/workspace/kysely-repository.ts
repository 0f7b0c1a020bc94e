import { sql, type Selectable } from 'kysely';
import type {
  CalendarEvent,
  CalendarEventCreate,
  CalendarEventUpdate,
  CalendarListQuery,
  Note,
  NoteCreate,
  NoteListQuery,
  NoteUpdate,
  PageOf,
  Task,
  TaskCreate,
  TaskListQuery,
  TaskUpdate,
} from '@bot-mox/contracts';
import {
  botRef,
  defined,
  isUuid,
  iso,
  type CalendarEventsTable,
  type Db,
  type NotesTable,
  type TasksTable,
} from '../../platform/db/database.ts';
import { keysetPage, type SortColumn } from '../../platform/db/keyset.ts';
import type {
  CalendarRepository,
  NotesRepository,
  TasksRepository,
  WorkspaceRepositories,
} from './repository.ts';

// ---- notes ------------------------------------------------------------------------------------
function toNote(row: Selectable<NotesTable>): Note {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    title: row.title,
    content: row.content,
    pinned: row.pinned,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
const noteSorts: Record<string, SortColumn> = {
  created_at: { expr: sql`notes.created_at`, type: 'timestamptz' },
  updated_at: { expr: sql`notes.updated_at`, type: 'timestamptz' },
};

export class KyselyNotesRepository implements NotesRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  async list(q: NoteListQuery): Promise<PageOf<Note>> {
    let qb = this.#db.selectFrom('notes').selectAll('notes');
    if (q.pinned !== undefined) qb = qb.where('pinned', '=', q.pinned);
    if (q.created_from) qb = qb.where('created_at', '>=', new Date(q.created_from));
    if (q.created_to) qb = qb.where('created_at', '<', new Date(q.created_to));
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: noteSorts,
      idColumn: sql`notes.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toNote), next_cursor: page.nextCursor };
  }
  async get(id: string): Promise<Note | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .selectFrom('notes')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toNote(row) : null;
  }
  async create(input: NoteCreate): Promise<Note> {
    const row = await this.#db
      .insertInto('notes')
      .values({ legacy_id: null, title: input.title, content: input.content, pinned: input.pinned })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toNote(row);
  }
  async update(id: string, patch: NoteUpdate): Promise<Note | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .updateTable('notes')
      .set(defined(patch))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toNote(row) : null;
  }
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const r = await this.#db.deleteFrom('notes').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}

// ---- tasks ------------------------------------------------------------------------------------
function toTask(row: Selectable<TasksTable>): Task {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    title: row.title,
    status: row.status as Task['status'],
    due_at: iso(row.due_at),
    bot_id: row.bot_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
const taskSorts: Record<string, SortColumn> = {
  created_at: { expr: sql`tasks.created_at`, type: 'timestamptz' },
  due_at: { expr: sql`coalesce(tasks.due_at, 'infinity'::timestamptz)`, type: 'timestamptz' },
};

export class KyselyTasksRepository implements TasksRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  async list(q: TaskListQuery): Promise<PageOf<Task>> {
    let qb = this.#db.selectFrom('tasks').selectAll('tasks');
    if (q.status) qb = qb.where('status', '=', q.status);
    if (q.bot_id)
      qb = isUuid(q.bot_id) ? qb.where('bot_id', '=', q.bot_id) : qb.where(sql<boolean>`false`);
    if (q.due_from) qb = qb.where('due_at', '>=', new Date(q.due_from));
    if (q.due_to) qb = qb.where('due_at', '<', new Date(q.due_to));
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: taskSorts,
      idColumn: sql`tasks.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toTask), next_cursor: page.nextCursor };
  }
  async get(id: string): Promise<Task | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toTask(row) : null;
  }
  async create(input: TaskCreate): Promise<Task> {
    const row = await this.#db
      .insertInto('tasks')
      .values({
        legacy_id: null,
        title: input.title,
        status: input.status,
        due_at: input.due_at ?? null,
        bot_id: botRef(input.bot_id) ?? null,
        legacy_bot_id: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTask(row);
  }
  async update(id: string, patch: TaskUpdate): Promise<Task | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .updateTable('tasks')
      .set(defined({ ...patch, bot_id: botRef(patch.bot_id) }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toTask(row) : null;
  }
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const r = await this.#db.deleteFrom('tasks').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}

// ---- calendar ---------------------------------------------------------------------------------
function toEvent(row: Selectable<CalendarEventsTable>): CalendarEvent {
  return {
    id: row.id,
    legacy_id: row.legacy_id,
    title: row.title,
    date: row.date,
    note: row.note,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
const calendarSorts: Record<string, SortColumn> = {
  date: { expr: sql`calendar_events.date`, type: 'date' },
  created_at: { expr: sql`calendar_events.created_at`, type: 'timestamptz' },
};

export class KyselyCalendarRepository implements CalendarRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  async list(q: CalendarListQuery): Promise<PageOf<CalendarEvent>> {
    let qb = this.#db.selectFrom('calendar_events').selectAll('calendar_events');
    if (q.from) qb = qb.where('date', '>=', q.from);
    if (q.to) qb = qb.where('date', '<', q.to);
    const page = await keysetPage(qb, {
      sort: q.sort,
      columns: calendarSorts,
      idColumn: sql`calendar_events.id`,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.rows.map(toEvent), next_cursor: page.nextCursor };
  }
  async get(id: string): Promise<CalendarEvent | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .selectFrom('calendar_events')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toEvent(row) : null;
  }
  async create(input: CalendarEventCreate): Promise<CalendarEvent> {
    const row = await this.#db
      .insertInto('calendar_events')
      .values({ legacy_id: null, title: input.title, date: input.date, note: input.note })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEvent(row);
  }
  async update(id: string, patch: CalendarEventUpdate): Promise<CalendarEvent | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db
      .updateTable('calendar_events')
      .set(defined(patch))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toEvent(row) : null;
  }
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const r = await this.#db.deleteFrom('calendar_events').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
}

export function kyselyWorkspaceRepositories(db: Db): WorkspaceRepositories {
  return {
    notes: new KyselyNotesRepository(db),
    tasks: new KyselyTasksRepository(db),
    calendar: new KyselyCalendarRepository(db),
  };
}
