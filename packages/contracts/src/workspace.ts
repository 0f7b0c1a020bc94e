import { z } from 'zod';
import { Id, IsoDate, Page, Timestamp, pageQuery, rangeOrdered } from './common.ts';

const atLeastOne = { message: 'at least one field is required' };
const nonEmpty = (v: object) => Object.keys(v).length > 0;

// ---- notes ------------------------------------------------------------------------------------
export const Note = z.object({
  id: Id,
  legacy_id: z.string().nullable(),
  title: z.string(),
  content: z.string(),
  pinned: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Note = z.infer<typeof Note>;

export const NoteCreate = z.strictObject({
  title: z.string().trim().min(1).max(200),
  content: z.string().max(100_000).default(''),
  pinned: z.boolean().default(false),
});
export type NoteCreate = z.infer<typeof NoteCreate>;
export const NoteUpdate = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    content: z.string().max(100_000).optional(),
    pinned: z.boolean().optional(),
  })
  .refine(nonEmpty, atLeastOne);
export type NoteUpdate = z.infer<typeof NoteUpdate>;

export const NOTE_SORTS = ['created_at', '-created_at', 'updated_at', '-updated_at'] as const;
export const NoteListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(NOTE_SORTS).default('-updated_at'),
    pinned: z.stringbool().optional(),
    created_from: Timestamp.optional(),
    created_to: Timestamp.optional(),
  })
  .refine((q) => rangeOrdered(q.created_from, q.created_to), {
    path: ['created_to'],
    message: 'must be after created_from',
  });
export type NoteListQuery = z.infer<typeof NoteListQuery>;
export const NotePage = Page(Note);
export type NotePage = z.infer<typeof NotePage>;

// ---- tasks ------------------------------------------------------------------------------------
export const TaskStatus = z.enum(['todo', 'in_progress', 'done']);

export const Task = z.object({
  id: Id,
  legacy_id: z.string().nullable(),
  title: z.string(),
  status: TaskStatus,
  due_at: Timestamp.nullable(),
  bot_id: Id.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Task = z.infer<typeof Task>;

export const TaskCreate = z.strictObject({
  title: z.string().trim().min(1).max(200),
  status: TaskStatus.default('todo'),
  due_at: Timestamp.nullable().optional(),
  bot_id: Id.nullable().optional(),
});
export type TaskCreate = z.infer<typeof TaskCreate>;
export const TaskUpdate = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    status: TaskStatus.optional(),
    due_at: Timestamp.nullable().optional(),
    bot_id: Id.nullable().optional(),
  })
  .refine(nonEmpty, atLeastOne);
export type TaskUpdate = z.infer<typeof TaskUpdate>;

export const TASK_SORTS = ['created_at', '-created_at', 'due_at', '-due_at'] as const;
export const TaskListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(TASK_SORTS).default('-created_at'),
    status: TaskStatus.optional(),
    bot_id: Id.optional(),
    due_from: Timestamp.optional(),
    due_to: Timestamp.optional(),
  })
  .refine((q) => rangeOrdered(q.due_from, q.due_to), {
    path: ['due_to'],
    message: 'must be after due_from',
  });
export type TaskListQuery = z.infer<typeof TaskListQuery>;
export const TaskPage = Page(Task);
export type TaskPage = z.infer<typeof TaskPage>;

// ---- calendar ---------------------------------------------------------------------------------
export const CalendarEvent = z.object({
  id: Id,
  legacy_id: z.string().nullable(),
  title: z.string(),
  date: IsoDate,
  note: z.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type CalendarEvent = z.infer<typeof CalendarEvent>;

export const CalendarEventCreate = z.strictObject({
  title: z.string().trim().min(1).max(200),
  date: IsoDate,
  note: z.string().max(10_000).default(''),
});
export type CalendarEventCreate = z.infer<typeof CalendarEventCreate>;
export const CalendarEventUpdate = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    date: IsoDate.optional(),
    note: z.string().max(10_000).optional(),
  })
  .refine(nonEmpty, atLeastOne);
export type CalendarEventUpdate = z.infer<typeof CalendarEventUpdate>;

export const CALENDAR_SORTS = ['date', '-date', 'created_at', '-created_at'] as const;
export const CalendarListQuery = z
  .strictObject({
    ...pageQuery,
    sort: z.enum(CALENDAR_SORTS).default('date'),
    from: IsoDate.optional().describe('date >= this day'),
    to: IsoDate.optional().describe('date < this day'),
  })
  .refine((q) => rangeOrdered(q.from, q.to), { path: ['to'], message: 'must be after from' });
export type CalendarListQuery = z.infer<typeof CalendarListQuery>;
export const CalendarEventPage = Page(CalendarEvent);
export type CalendarEventPage = z.infer<typeof CalendarEventPage>;
