import type {
  CalendarEvent,
  CalendarEventCreate,
  CalendarEventUpdate,
  CalendarListQuery,
  Note,
  NoteCreate,
  NoteListQuery,
  NoteUpdate,
  Task,
  TaskCreate,
  TaskListQuery,
  TaskUpdate,
} from '@bot-mox/contracts';
import type { CollectionRepository } from '../../platform/repository.ts';

export type NotesRepository = CollectionRepository<Note, NoteCreate, NoteUpdate, NoteListQuery>;
export type TasksRepository = CollectionRepository<Task, TaskCreate, TaskUpdate, TaskListQuery>;
export type CalendarRepository = CollectionRepository<
  CalendarEvent,
  CalendarEventCreate,
  CalendarEventUpdate,
  CalendarListQuery
>;

export interface WorkspaceRepositories {
  notes: NotesRepository;
  tasks: TasksRepository;
  calendar: CalendarRepository;
}
