import {
  CalendarEvent,
  CalendarEventCreate,
  CalendarEventPage,
  CalendarEventUpdate,
  Note,
  NoteCreate,
  NotePage,
  NoteUpdate,
  Task,
  TaskCreate,
  TaskPage,
  TaskStatus,
  TaskUpdate,
} from '@bot-mox/contracts';
type TaskStatus = Task['status'];
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { describeError } from '../api/errors';
import { useAllPages, useCollectionMutations } from '../api/hooks';
import { keys, paths } from '../api/paths';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { ContractForm } from '../components/ContractForm';
import { Dialog } from '../components/Dialog';
import { formatDate, formatDateTime, isoToLocalInput } from '../components/format';
import { optional, optionalTime, str } from '../components/formValues';
import { QueryState } from '../components/QueryState';
import { Tabs } from '../components/Tabs';

type Editing<T> = T | 'new' | null;

function useEditor<T>() {
  const [editing, setEditing] = useState<Editing<T>>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  return { editing, setEditing, deleting, setDeleting };
}

function SectionHeader({
  title,
  action,
  onAction,
}: {
  title: string;
  action: string;
  onAction: () => void;
}) {
  return (
    <div className="toolbar">
      <h2 className="visually-hidden">{title}</h2>
      <span className="spacer" />
      <button type="button" className="btn btn-primary" onClick={onAction}>
        {action}
      </button>
    </div>
  );
}

// ---- notes ----------------------------------------------------------------------------------
function NotesSection() {
  const notes = useAllPages(keys.notes, paths.notes, NotePage, { sort: '-updated_at' });
  const { create, update, remove } = useCollectionMutations(
    keys.notes,
    paths.notes,
    paths.note,
    Note,
  );
  const { editing, setEditing, deleting, setDeleting } = useEditor<Note>();
  const editingNote = editing === 'new' ? undefined : (editing ?? undefined);

  return (
    <section aria-label="Notes">
      <SectionHeader title="Notes" action="New note" onAction={() => setEditing('new')} />
      <QueryState
        query={notes}
        loading="Loading notes…"
        errorTitle="Could not load notes"
        isEmpty={(d) => d.items.length === 0}
        empty="No notes yet."
      >
        {({ items }) => (
          <ul className="notes" aria-label="Notes list">
            {[...items]
              .sort((a, b) => Number(b.pinned) - Number(a.pinned))
              .map((n) => (
                <li key={n.id} className="card">
                  <h3>
                    {n.pinned && <span aria-label="Pinned">📌 </span>}
                    {n.title}
                  </h3>
                  <p className="note-content">{n.content || <em>Empty note</em>}</p>
                  <small className="muted">Updated {formatDateTime(n.updated_at)}</small>
                  <div className="card-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Edit note ${n.title}`}
                      onClick={() => setEditing(n)}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      aria-label={`Delete note ${n.title}`}
                      onClick={() => setDeleting(n)}
                    >
                      Delete
                    </button>
                  </div>
                </li>
              ))}
          </ul>
        )}
      </QueryState>
      {editing && (
        <Dialog
          title={editingNote ? `Edit note ${editingNote.title}` : 'New note'}
          onClose={() => setEditing(null)}
        >
          <ContractForm
            label={editingNote ? 'Edit note' : 'New note'}
            fields={[
              { name: 'title', label: 'Title', type: 'text', wide: true },
              { name: 'content', label: 'Content', type: 'textarea' },
              { name: 'pinned', label: 'Pinned', type: 'checkbox' },
            ]}
            initial={{
              title: editingNote?.title ?? '',
              content: editingNote?.content ?? '',
              pinned: editingNote?.pinned ?? false,
            }}
            schema={editingNote ? NoteUpdate : NoteCreate}
            toInput={(v) => ({
              title: str(v.title),
              content: str(v.content),
              pinned: v.pinned === true,
            })}
            onSubmit={(body) =>
              editingNote
                ? update.mutateAsync({ id: editingNote.id, body })
                : create.mutateAsync(body)
            }
            onDone={() => setEditing(null)}
            onCancel={() => setEditing(null)}
            submitLabel={editingNote ? 'Save changes' : 'Create note'}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDelete
          what={`note ${deleting.title}`}
          onConfirm={() => remove.mutateAsync(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

// ---- tasks ----------------------------------------------------------------------------------
const COLUMNS: { status: TaskStatus; label: string }[] = [
  { status: 'todo', label: 'To do' },
  { status: 'in_progress', label: 'In progress' },
  { status: 'done', label: 'Done' },
];

function TaskCard({
  task,
  onEdit,
  onDelete,
  onMove,
  moving,
}: {
  task: Task;
  onEdit: () => void;
  onDelete: () => void;
  onMove: (s: TaskStatus) => void;
  moving: boolean;
}) {
  const overdue =
    task.status !== 'done' && task.due_at !== null && Date.parse(task.due_at) < Date.now();
  return (
    <li className="card">
      <strong>{task.title}</strong>
      <div className={overdue ? 'field-error' : 'muted'}>
        <small>
          {task.due_at
            ? `${overdue ? 'Overdue: ' : 'Due '}${formatDateTime(task.due_at)}`
            : 'No due date'}
        </small>
      </div>
      <div className="card-actions">
        {COLUMNS.filter((c) => c.status !== task.status).map((c) => (
          <button
            key={c.status}
            type="button"
            className="btn btn-small"
            disabled={moving}
            aria-label={`Move ${task.title} to ${c.label}`}
            onClick={() => onMove(c.status)}
          >
            → {c.label}
          </button>
        ))}
        <button
          type="button"
          className="btn btn-small"
          aria-label={`Edit task ${task.title}`}
          onClick={onEdit}
        >
          Edit
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger"
          aria-label={`Delete task ${task.title}`}
          onClick={onDelete}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

function TasksSection() {
  const tasks = useAllPages(keys.tasks, paths.tasks, TaskPage, { sort: 'due_at' });
  const { create, update, remove } = useCollectionMutations(
    keys.tasks,
    paths.tasks,
    paths.task,
    Task,
    [['dashboard']],
  );
  const { editing, setEditing, deleting, setDeleting } = useEditor<Task>();
  const [moveError, setMoveError] = useState<string | null>(null);
  const editingTask = editing === 'new' ? undefined : (editing ?? undefined);

  const move = (task: Task, status: TaskStatus) => {
    setMoveError(null);
    update.mutate(
      { id: task.id, body: { status } },
      { onError: (e) => setMoveError(`Could not move “${task.title}”: ${describeError(e)}`) },
    );
  };

  return (
    <section aria-label="Tasks">
      <SectionHeader title="Tasks" action="New task" onAction={() => setEditing('new')} />
      {moveError && (
        <p className="form-error" role="alert">
          {moveError}
        </p>
      )}
      <QueryState
        query={tasks}
        loading="Loading tasks…"
        errorTitle="Could not load tasks"
        isEmpty={(d) => d.items.length === 0}
        empty="No tasks yet."
      >
        {({ items }) => (
          <div className="board">
            {COLUMNS.map((col) => {
              const inColumn = items.filter((t) => t.status === col.status);
              return (
                <section key={col.status} className="board-column" aria-label={col.label}>
                  <h3>
                    {col.label} <span className="muted">({inColumn.length})</span>
                  </h3>
                  <ul>
                    {inColumn.map((t) => (
                      <TaskCard
                        key={t.id}
                        task={t}
                        moving={update.isPending && update.variables.id === t.id}
                        onMove={(s) => move(t, s)}
                        onEdit={() => setEditing(t)}
                        onDelete={() => setDeleting(t)}
                      />
                    ))}
                  </ul>
                </section>
              );
            })}
          </div>
        )}
      </QueryState>
      {editing && (
        <Dialog
          title={editingTask ? `Edit task ${editingTask.title}` : 'New task'}
          onClose={() => setEditing(null)}
        >
          <ContractForm
            label={editingTask ? 'Edit task' : 'New task'}
            fields={[
              { name: 'title', label: 'Title', type: 'text', wide: true },
              { name: 'status', label: 'Status', type: 'select', options: TaskStatus.options },
              { name: 'due_at', label: 'Due at', type: 'datetime' },
              { name: 'bot_id', label: 'Bot id', type: 'text' },
            ]}
            initial={{
              title: editingTask?.title ?? '',
              status: editingTask?.status ?? 'todo',
              due_at: isoToLocalInput(editingTask?.due_at),
              bot_id: editingTask?.bot_id ?? '',
            }}
            schema={editingTask ? TaskUpdate : TaskCreate}
            toInput={(v) => ({
              title: str(v.title),
              status: v.status,
              due_at: optionalTime(v.due_at, Boolean(editingTask)),
              bot_id: optional(v.bot_id, Boolean(editingTask)),
            })}
            onSubmit={(body) =>
              editingTask
                ? update.mutateAsync({ id: editingTask.id, body })
                : create.mutateAsync(body)
            }
            onDone={() => setEditing(null)}
            onCancel={() => setEditing(null)}
            submitLabel={editingTask ? 'Save changes' : 'Create task'}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDelete
          what={`task ${deleting.title}`}
          onConfirm={() => remove.mutateAsync(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

// ---- calendar -------------------------------------------------------------------------------
export function todayIsoDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function CalendarSection() {
  const [includePast, setIncludePast] = useState(false);
  const events = useAllPages(keys.calendar, paths.calendar, CalendarEventPage, {
    sort: 'date',
    ...(includePast ? {} : { from: todayIsoDate() }),
  });
  const { create, update, remove } = useCollectionMutations(
    keys.calendar,
    paths.calendar,
    paths.calendarEvent,
    CalendarEvent,
  );
  const { editing, setEditing, deleting, setDeleting } = useEditor<CalendarEvent>();
  const editingEvent = editing === 'new' ? undefined : (editing ?? undefined);

  return (
    <section aria-label="Calendar">
      <div className="toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includePast}
            onChange={(e) => setIncludePast(e.target.checked)}
          />
          Include past events
        </label>
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          New event
        </button>
      </div>
      <QueryState
        query={events}
        loading="Loading calendar…"
        errorTitle="Could not load the calendar"
        isEmpty={(d) => d.items.length === 0}
        empty={includePast ? 'No calendar events.' : 'No upcoming events.'}
      >
        {({ items }) => {
          const byDate = new Map<string, CalendarEvent[]>();
          for (const e of items) byDate.set(e.date, [...(byDate.get(e.date) ?? []), e]);
          return (
            <ol className="stat-list" aria-label="Calendar events">
              {[...byDate].map(([date, dayEvents]) => (
                <li key={date} className="card" style={{ display: 'block' }}>
                  <h3>
                    <time dateTime={date}>{formatDate(date)}</time>
                  </h3>
                  <ul className="stat-list">
                    {dayEvents.map((e) => (
                      <li key={e.id}>
                        <span>
                          <strong>{e.title}</strong>
                          {e.note && <span className="muted"> — {e.note}</span>}
                        </span>
                        <span className="card-actions">
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={`Edit event ${e.title}`}
                            onClick={() => setEditing(e)}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            className="btn btn-small btn-danger"
                            aria-label={`Delete event ${e.title}`}
                            onClick={() => setDeleting(e)}
                          >
                            Delete
                          </button>
                        </span>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
          );
        }}
      </QueryState>
      {editing && (
        <Dialog
          title={editingEvent ? `Edit event ${editingEvent.title}` : 'New event'}
          onClose={() => setEditing(null)}
        >
          <ContractForm
            label={editingEvent ? 'Edit event' : 'New event'}
            fields={[
              { name: 'title', label: 'Title', type: 'text', wide: true },
              { name: 'date', label: 'Date', type: 'date' },
              { name: 'note', label: 'Note', type: 'textarea' },
            ]}
            initial={{
              title: editingEvent?.title ?? '',
              date: editingEvent?.date ?? todayIsoDate(),
              note: editingEvent?.note ?? '',
            }}
            schema={editingEvent ? CalendarEventUpdate : CalendarEventCreate}
            toInput={(v) => ({ title: str(v.title), date: str(v.date), note: str(v.note) })}
            onSubmit={(body) =>
              editingEvent
                ? update.mutateAsync({ id: editingEvent.id, body })
                : create.mutateAsync(body)
            }
            onDone={() => setEditing(null)}
            onCancel={() => setEditing(null)}
            submitLabel={editingEvent ? 'Save changes' : 'Create event'}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDelete
          what={`event ${deleting.title}`}
          onConfirm={() => remove.mutateAsync(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

const TABS = [
  { id: 'tasks', label: 'Tasks' },
  { id: 'notes', label: 'Notes' },
  { id: 'calendar', label: 'Calendar' },
] as const;
const PANELS: Record<(typeof TABS)[number]['id'], () => ReactNode> = {
  tasks: () => <TasksSection />,
  notes: () => <NotesSection />,
  calendar: () => <CalendarSection />,
};

export default function WorkspacePage() {
  const [params, setParams] = useSearchParams();
  const current = TABS.find((t) => t.id === params.get('tab')) ?? TABS[0];
  return (
    <section aria-labelledby="workspace-title">
      <div className="page-header">
        <h1 id="workspace-title">Workspace</h1>
      </div>
      <Tabs
        tabs={TABS}
        current={current.id}
        label="Workspace sections"
        onSelect={(id) => setParams({ tab: id }, { replace: true })}
      />
      <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
        {PANELS[current.id]()}
      </div>
    </section>
  );
}
