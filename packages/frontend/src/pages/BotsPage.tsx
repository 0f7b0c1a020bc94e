import {
  BOT_SORTS,
  BOT_STATUSES,
  BotStatus,
  endpoints,
  ProjectSlug,
  type Bot,
} from '@bot-mox/contracts';
import { useDeferredValue } from 'react';
import { Link } from 'react-router';
import { useCollectionMutations, usePagedList } from '../api/hooks';
import { keys } from '../api/keys';
import { EditDialogs, useEditDialogs } from '../components/EditDialogs';
import { Field } from '../components/Field';
import { ListState, RowActions } from '../components/ListParts';
import { formatDateTime, humanize } from '../components/format';
import { useUrlFilters } from '../components/useUrlFilters';
import { BotForm } from './bots/BotForm';
import { SortHeader, StatusBadge, type SortField } from './bots/BotTableParts';
import { botRoute, characterLabel } from './bots/format';

const SORTABLE: { field: SortField; label: string }[] = [
  { field: 'updated_at', label: 'Updated' },
  { field: 'created_at', label: 'Created' },
];

export default function BotsPage() {
  const url = useUrlFilters();
  const status = BotStatus.safeParse(url.get('status')).data;
  const projectInput = url.get('project');
  const tagInput = url.get('tag');
  const project = useDeferredValue(projectInput.trim());
  const tag = useDeferredValue(tagInput.trim());
  const projectError =
    project && !ProjectSlug.safeParse(project).success ? 'Must be a slug like wow_tbc' : undefined;
  const sort = BOT_SORTS.find((s) => s === url.get('sort')) ?? '-created_at';

  const list = usePagedList(keys.bots, endpoints.listBots, {
    sort,
    ...(status ? { status } : {}),
    ...(project && !projectError ? { project } : {}),
    ...(tag ? { tag } : {}),
  });
  const { remove, save } = useCollectionMutations(keys.bots, 'Bots');
  const dialogs = useEditDialogs<Bot>();
  const filtered = Boolean(status || project || tag);
  const sortHeader = (field: SortField, label: string) => (
    <SortHeader
      key={field}
      field={field}
      label={label}
      sort={sort}
      onSort={(s) => url.set('sort', s)}
    />
  );

  return (
    <section aria-labelledby="bots-title">
      <div className="page-header">
        <h1 id="bots-title">Bots</h1>
        <button type="button" className="btn btn-primary" onClick={dialogs.startNew}>
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
            <select {...p} value={status ?? ''} onChange={(e) => url.set('status', e.target.value)}>
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
              onChange={(e) => url.set('project', e.target.value)}
            />
          )}
        </Field>
        <Field label="Tag">
          {(p) => (
            <input {...p} value={tagInput} onChange={(e) => url.set('tag', e.target.value)} />
          )}
        </Field>
        {filtered && (
          <button type="button" className="btn" onClick={url.clear}>
            Clear filters
          </button>
        )}
      </form>

      <ListState
        list={list}
        title="bots"
        empty={filtered ? 'No bots match these filters.' : 'No bots yet. Create the first one.'}
      >
        {(items) => (
          <div className="table-wrap">
            <table aria-label="Bots">
              <thead>
                <tr>
                  {sortHeader('name', 'Name')}
                  <th scope="col">Status</th>
                  <th scope="col">Project</th>
                  <th scope="col">VM</th>
                  <th scope="col">Character</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Last seen</th>
                  {SORTABLE.map((s) => sortHeader(s.field, s.label))}
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((bot) => (
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
                      onEdit={() => dialogs.edit(bot)}
                      onDelete={() => dialogs.remove(bot)}
                    />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>

      <EditDialogs
        state={dialogs}
        noun="bot"
        itemLabel={(bot) => bot.name}
        renderForm={({ item, ...props }) => <BotForm bot={item} {...props} />}
        save={save}
        onDelete={(id) => remove.mutateAsync(id)}
      />
    </section>
  );
}
