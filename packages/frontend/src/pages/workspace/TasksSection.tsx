import { endpoints, TaskCreate, TaskStatus, TaskUpdate, type Task } from '@bot-mox/contracts';
import { describeError } from '@bot-mox/contracts/client';
import { useState } from 'react';
import { useAllPages, useCollectionMutations } from '../../api/hooks';
import { keys } from '../../api/keys';
import { ContractForm } from '../../components/ContractForm';
import type { CollectionFormProps } from '../../components/CrudTable';
import { EditDialogs, useEditDialogs } from '../../components/EditDialogs';
import { formatDateTime, isoToLocalInput } from '../../components/format';
import { optional, optionalTime, str } from '../../components/formValues';
import { EditDeleteButtons } from '../../components/ListParts';
import { ErrorLine } from '../../components/FormErrors';
import { QueryState } from '../../components/QueryState';
import { SectionHeader } from './SectionHeader';

type TaskStatus = Task['status'];

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
        <EditDeleteButtons label={`task ${task.title}`} onEdit={onEdit} onDelete={onDelete} />
      </div>
    </li>
  );
}

function TaskForm({ item, ...props }: CollectionFormProps<'Tasks'>) {
  const editing = Boolean(item);
  return (
    <ContractForm
      label={editing ? 'Edit task' : 'New task'}
      fields={[
        { name: 'title', label: 'Title', type: 'text', wide: true },
        { name: 'status', label: 'Status', type: 'select', options: TaskStatus.options },
        { name: 'due_at', label: 'Due at', type: 'datetime' },
        { name: 'bot_id', label: 'Bot id', type: 'text' },
      ]}
      initial={{
        title: item?.title ?? '',
        status: item?.status ?? 'todo',
        due_at: isoToLocalInput(item?.due_at),
        bot_id: item?.bot_id ?? '',
      }}
      schema={editing ? TaskUpdate : TaskCreate}
      toInput={(v) => ({
        title: str(v.title),
        status: v.status,
        due_at: optionalTime(v.due_at, editing),
        bot_id: optional(v.bot_id, editing),
      })}
      submitLabel={editing ? 'Save changes' : 'Create task'}
      {...props}
    />
  );
}

export function TasksSection() {
  const tasks = useAllPages(keys.tasks, endpoints.listTasks, { sort: 'due_at' });
  const { update, remove, save } = useCollectionMutations(keys.tasks, 'Tasks', [['dashboard']]);
  const dialogs = useEditDialogs<Task>();
  const [moveError, setMoveError] = useState<string | null>(null);

  const move = (task: Task, status: TaskStatus) => {
    setMoveError(null);
    update.mutate(
      { id: task.id, body: { status } },
      { onError: (e) => setMoveError(`Could not move “${task.title}”: ${describeError(e)}`) },
    );
  };

  return (
    <section aria-label="Tasks">
      <SectionHeader title="Tasks" action="New task" onAction={dialogs.startNew} />
      <ErrorLine message={moveError} />
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
                        onEdit={() => dialogs.edit(t)}
                        onDelete={() => dialogs.remove(t)}
                      />
                    ))}
                  </ul>
                </section>
              );
            })}
          </div>
        )}
      </QueryState>
      <EditDialogs
        state={dialogs}
        noun="task"
        itemLabel={(t) => t.title}
        editTitle={(t) => `Edit task ${t.title}`}
        renderForm={(p) => <TaskForm {...p} />}
        save={save}
        onDelete={(id) => remove.mutateAsync(id)}
      />
    </section>
  );
}
