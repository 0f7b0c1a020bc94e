import type { Selectable } from 'kysely';
import type { CalendarEvent, Note, Task } from '@bot-mox/contracts';
import { KyselyCollection, inRange, matching, ofBot } from '../../platform/db/collection.ts';
import { iso, rowStamps, withBotRef, type Database, type Db } from '../../platform/db/database.ts';
import { sortBy, sortByTimeNullsLast } from '../../platform/db/keyset.ts';
import type {
  CalendarRepository,
  NotesRepository,
  TasksRepository,
  WorkspaceRepositories,
} from './repository.ts';

// ---- notes ------------------------------------------------------------------------------------
function toNote(row: Selectable<Database['notes']>): Note {
  return { ...rowStamps(row), title: row.title, content: row.content, pinned: row.pinned };
}

const notes = (db: Db): NotesRepository =>
  new KyselyCollection(db, {
    table: 'notes',
    select: (db) => db.selectFrom('notes').selectAll('notes'),
    filter: (qb, q) => {
      return inRange(
        matching(qb, { pinned: q.pinned }),
        'created_at',
        q.created_from,
        q.created_to,
      );
    },
    sorts: {
      created_at: sortBy('notes.created_at'),
      updated_at: sortBy('notes.updated_at'),
    },
    toItem: toNote,
    insert: (db, input) => db.insertInto('notes').values(input).returningAll(),
    update: (db, patch) => db.updateTable('notes').set(patch).returningAll(),
  });

// ---- tasks ------------------------------------------------------------------------------------
function toTask(row: Selectable<Database['tasks']>): Task {
  return {
    ...rowStamps(row),
    title: row.title,
    status: row.status as Task['status'],
    due_at: iso(row.due_at),
    bot_id: row.bot_id,
  };
}

const tasks = (db: Db): TasksRepository =>
  new KyselyCollection(db, {
    table: 'tasks',
    select: (db) => db.selectFrom('tasks').selectAll('tasks'),
    filter: (qb, q) => {
      qb = ofBot(matching(qb, { status: q.status }), q.bot_id);
      return inRange(qb, 'due_at', q.due_from, q.due_to);
    },
    sorts: {
      created_at: sortBy('tasks.created_at'),
      due_at: sortByTimeNullsLast('tasks.due_at'),
    },
    toItem: toTask,
    insert: (db, input) => db.insertInto('tasks').values(withBotRef(input)).returningAll(),
    update: (db, patch) => db.updateTable('tasks').set(withBotRef(patch)).returningAll(),
  });

// ---- calendar ---------------------------------------------------------------------------------
function toEvent(row: Selectable<Database['calendar_events']>): CalendarEvent {
  return { ...rowStamps(row), title: row.title, date: row.date, note: row.note };
}

const calendar = (db: Db): CalendarRepository =>
  new KyselyCollection(db, {
    table: 'calendar_events',
    select: (db) => db.selectFrom('calendar_events').selectAll('calendar_events'),
    filter: (qb, q) => inRange(qb, 'date', q.from, q.to, (day) => day),
    sorts: {
      date: sortBy('calendar_events.date', 'date'),
      created_at: sortBy('calendar_events.created_at'),
    },
    toItem: toEvent,
    insert: (db, input) => db.insertInto('calendar_events').values(input).returningAll(),
    update: (db, patch) => db.updateTable('calendar_events').set(patch).returningAll(),
  });

export function kyselyWorkspaceRepositories(db: Db): WorkspaceRepositories {
  return { notes: notes(db), tasks: tasks(db), calendar: calendar(db) };
}
