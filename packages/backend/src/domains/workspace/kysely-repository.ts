import { sql, type Selectable } from 'kysely';
import type { CalendarEvent, Note, Task } from '@bot-mox/contracts';
import { KyselyCollection } from '../../platform/db/collection.ts';
import {
  NO_ROWS,
  botRef,
  defined,
  isUuid,
  iso,
  type Database,
  type Db,
} from '../../platform/db/database.ts';
import type {
  CalendarRepository,
  NotesRepository,
  TasksRepository,
  WorkspaceRepositories,
} from './repository.ts';

// ---- notes ------------------------------------------------------------------------------------
function toNote(row: Selectable<Database['notes']>): Note {
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

const notes = (db: Db): NotesRepository =>
  new KyselyCollection(db, {
    table: 'notes',
    select: (db) => db.selectFrom('notes').selectAll('notes'),
    filter: (qb, q) => {
      if (q.pinned !== undefined) qb = qb.where('pinned', '=', q.pinned);
      if (q.created_from) qb = qb.where('created_at', '>=', new Date(q.created_from));
      if (q.created_to) qb = qb.where('created_at', '<', new Date(q.created_to));
      return qb;
    },
    sorts: {
      created_at: { expr: sql`notes.created_at`, type: 'timestamptz' },
      updated_at: { expr: sql`notes.updated_at`, type: 'timestamptz' },
    },
    toItem: toNote,
    insert: (db, input) =>
      db
        .insertInto('notes')
        .values({
          legacy_id: null,
          title: input.title,
          content: input.content,
          pinned: input.pinned,
        })
        .returningAll(),
    update: (db, patch) => db.updateTable('notes').set(defined(patch)).returningAll(),
  });

// ---- tasks ------------------------------------------------------------------------------------
function toTask(row: Selectable<Database['tasks']>): Task {
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

const tasks = (db: Db): TasksRepository =>
  new KyselyCollection(db, {
    table: 'tasks',
    select: (db) => db.selectFrom('tasks').selectAll('tasks'),
    filter: (qb, q) => {
      if (q.status) qb = qb.where('status', '=', q.status);
      if (q.bot_id) qb = isUuid(q.bot_id) ? qb.where('bot_id', '=', q.bot_id) : qb.where(NO_ROWS);
      if (q.due_from) qb = qb.where('due_at', '>=', new Date(q.due_from));
      if (q.due_to) qb = qb.where('due_at', '<', new Date(q.due_to));
      return qb;
    },
    sorts: {
      created_at: { expr: sql`tasks.created_at`, type: 'timestamptz' },
      due_at: { expr: sql`coalesce(tasks.due_at, 'infinity'::timestamptz)`, type: 'timestamptz' },
    },
    toItem: toTask,
    insert: (db, input) =>
      db
        .insertInto('tasks')
        .values({
          legacy_id: null,
          title: input.title,
          status: input.status,
          due_at: input.due_at ?? null,
          bot_id: botRef(input.bot_id) ?? null,
          legacy_bot_id: null,
        })
        .returningAll(),
    update: (db, patch) =>
      db
        .updateTable('tasks')
        .set(defined({ ...patch, bot_id: botRef(patch.bot_id) }))
        .returningAll(),
  });

// ---- calendar ---------------------------------------------------------------------------------
function toEvent(row: Selectable<Database['calendar_events']>): CalendarEvent {
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

const calendar = (db: Db): CalendarRepository =>
  new KyselyCollection(db, {
    table: 'calendar_events',
    select: (db) => db.selectFrom('calendar_events').selectAll('calendar_events'),
    filter: (qb, q) => {
      if (q.from) qb = qb.where('date', '>=', q.from);
      if (q.to) qb = qb.where('date', '<', q.to);
      return qb;
    },
    sorts: {
      date: { expr: sql`calendar_events.date`, type: 'date' },
      created_at: { expr: sql`calendar_events.created_at`, type: 'timestamptz' },
    },
    toItem: toEvent,
    insert: (db, input) =>
      db
        .insertInto('calendar_events')
        .values({ legacy_id: null, title: input.title, date: input.date, note: input.note })
        .returningAll(),
    update: (db, patch) => db.updateTable('calendar_events').set(defined(patch)).returningAll(),
  });

export function kyselyWorkspaceRepositories(db: Db): WorkspaceRepositories {
  return { notes: notes(db), tasks: tasks(db), calendar: calendar(db) };
}
