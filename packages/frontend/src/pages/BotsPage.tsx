import {
  BOT_STATUSES,
  BotPage,
  BotStatus,
  ProjectSlug,
  type Bot,
  type BotListQuery,
} from '@bot-mox/contracts';
import { Bot as BotSchema } from '@bot-mox/contracts';
import { useDeferredValue, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { usePagedList, useCollectionMutations } from '../api/hooks';
import { keys, paths } from '../api/paths';
import { ListFooter, RowActions } from '../components/ListParts';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { Dialog } from '../components/Dialog';
import { Field } from '../components/Field';
import { EmptyState, ErrorState, Loading } from '../components/QueryState';
import { formatDateTime, humanize } from '../components/format';
import { BotForm } from './bots/BotForm';
import { botRoute, characterLabel } from './bots/format';

type SortField = 'name' | 'created_at' | 'updated_at';

/** A status badge that flashes when the status changes while on screen (live updates). */
export function StatusBadge({ status }: { status: string }) {
  const previous = useRef(status);
  const [flash, setFlash] = useState(false);
  useEffect(() => {
    if (previous.current === status) return;
    previous.current = status;
    setFlash(true);
    const timer = setTimeout(() => setFlash(false), 1200);
    return () => clearTimeout(timer);
  }, [status]);
  return (
    <span className={`badge badge-${status}${flash ? ' badge-flash' : ''}`}>
      {humanize(status)}
    </span>
  );
}

function SortHeader({
  field,
  label,
  sort,
  onSort,
}: {
  field: SortField;
  label: string;
  sort: string;
  onSort: (s: string) => void;
}) {
  const active = sort === field || sort === `-${field}`;
  const descending = sort === `-${field}`;
  return (
    <th aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'} scope="col">
      <button type="button" onClick={() => onSort(active && !descending ? `-${field}` : field)}>
        {label}
        <span aria-hidden="true">{active ? (descending ? ' ▼' : ' ▲') : ' ↕'}</span>
      </button>
    </th>
  );
}

export default function BotsPage() {
  const [params, setParams] = useSearchParams();
  const status = BotStatus.safeParse(params.get('status')).data;
  const projectInput = params.get('project') ?? '';
  const tagInput = params.get('tag') ?? '';
  const sortParam = params.get('sort') ?? '-created_at';
  const project = useDeferredValue(projectInput.trim());
  const tag = useDeferredValue(tagInput.trim());
  const projectError =
    project && !ProjectSlug.safeParse(project).success ? 'Must be a slug like wow_tbc' : undefined;

  const query: Partial<BotListQuery> = {
    sort:
      (['name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at'] as const).find(
        (s) => s === sortParam,
      ) ?? '-created_at',
    ...(status ? { status } : {}),
    ...(project && !projectError ? { project } : {}),
    ...(tag ? { tag } : {}),
  };
  const list = usePagedList(keys.bots, paths.bots, BotPage, query);
  const { create, update, remove } = useCollectionMutations(
    keys.bots,
    paths.bots,
    paths.bot,
    BotSchema,
  );
  const [editing, setEditing] = useState<Bot | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Bot | null>(null);

  const setParam = (name: string, value: string) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  };
  const filtered = Boolean(status || project || tag);

  return (
    <section aria-labelledby="bots-title">
      <div className="page-header">
        <h1 id="bots-title">Bots</h1>
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          New bot
        </button>
      </div>
      <form
        className="toolbar"
        role="search"
        aria-label="Filter bots"
        onSubmit={(e) => e.preventDefault()}
      >
        <Field label="Status">
          {(p) => (
            <select
              {...p}
              value={status ?? ''}
              onChange={(e) => setParam('status', e.target.value)}
            >
              <option value="">All statuses</option>
              {BOT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Project" error={projectError}>
          {(p) => (
            <input
              {...p}
              value={projectInput}
              placeholder="e.g. wow_tbc"
              onChange={(e) => setParam('project', e.target.value)}
            />
          )}
        </Field>
        <Field label="Tag">
          {(p) => (
            <input {...p} value={tagInput} onChange={(e) => setParam('tag', e.target.value)} />
          )}
        </Field>
        {filtered && (
          <button type="button" className="btn" onClick={() => setParams({}, { replace: true })}>
            Clear filters
          </button>
        )}
      </form>

      {list.isPending ? (
        <Loading label="Loading bots…" />
      ) : list.isError && !list.items ? (
        <ErrorState
          error={list.error}
          title="Could not load bots"
          onRetry={() => void list.refetch()}
        />
      ) : !list.items?.length ? (
        <EmptyState>
          {filtered ? 'No bots match these filters.' : 'No bots yet. Create the first one.'}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-label="Bots">
              <thead>
                <tr>
                  <SortHeader
                    field="name"
                    label="Name"
                    sort={query.sort ?? ''}
                    onSort={(s) => setParam('sort', s)}
                  />
                  <th scope="col">Status</th>
                  <th scope="col">Project</th>
                  <th scope="col">VM</th>
                  <th scope="col">Character</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Last seen</th>
                  <SortHeader
                    field="updated_at"
                    label="Updated"
                    sort={query.sort ?? ''}
                    onSort={(s) => setParam('sort', s)}
                  />
                  <SortHeader
                    field="created_at"
                    label="Created"
                    sort={query.sort ?? ''}
                    onSort={(s) => setParam('sort', s)}
                  />
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((bot) => (
                  <tr key={bot.id} data-testid={`bot-${bot.id}`}>
                    <td>
                      <Link to={botRoute(bot.id)}>{bot.name}</Link>
                    </td>
                    <td>
                      <StatusBadge status={bot.status} />
                    </td>
                    <td>{bot.project}</td>
                    <td>{bot.vm_name ?? '—'}</td>
                    <td>{characterLabel(bot.character)}</td>
                    <td>{bot.tags.length ? bot.tags.join(', ') : '—'}</td>
                    <td>{formatDateTime(bot.last_seen_at)}</td>
                    <td>{formatDateTime(bot.updated_at)}</td>
                    <td>{formatDateTime(bot.created_at)}</td>
                    <RowActions
                      label={bot.name}
                      onEdit={() => setEditing(bot)}
                      onDelete={() => setDeleting(bot)}
                    />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ListFooter list={list} />
        </>
      )}

      {editing && (
        <Dialog
          title={editing === 'new' ? 'New bot' : `Edit ${editing.name}`}
          onClose={() => setEditing(null)}
        >
          <BotForm
            bot={editing === 'new' ? undefined : editing}
            onSubmit={(body) =>
              editing === 'new'
                ? create.mutateAsync(body)
                : update.mutateAsync({ id: editing.id, body })
            }
            onDone={() => setEditing(null)}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDelete
          what={`bot ${deleting.name}`}
          onConfirm={() => remove.mutateAsync(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
