import {
  BOT_SORTS,
  BOT_STATUSES,
  BotStatus,
  endpoints,
  ProjectSlug,
  type Bot,
} from '@bot-mox/contracts';
import { useDeferredValue, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useCollectionMutations, usePagedList } from '../api/hooks';
import { keys } from '../api/keys';
import { DataTable, type Column } from '../components/DataTable';
import { EditDialogs, useEditDialogs } from '../components/EditDialogs';
import { EnumOptions, Field } from '../components/Field';
import { ListState, RowActions } from '../components/ListParts';
import { formatDateTime } from '../components/format';
import { useUrlFilters } from '../components/useUrlFilters';
import { BotForm } from './bots/BotForm';
import { SortHeader, StatusBadge, type SortField } from './bots/BotTableParts';
import { botRoute, characterLabel } from './bots/format';

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
  const sortable = (field: SortField, header: string, cell: (bot: Bot) => ReactNode) => ({
    header,
    cell,
    headerCell: (
      <SortHeader
        key={field}
        field={field}
        label={header}
        sort={sort}
        onSort={(s) => url.set('sort', s)}
      />
    ),
  });
  const columns: Column<Bot>[] = [
    sortable('name', 'Name', (bot) => <Link to={botRoute(bot.id)}>{bot.name}</Link>),
    { header: 'Status', cell: (bot) => <StatusBadge status={bot.status} /> },
    { header: 'Project', cell: (bot) => bot.project },
    { header: 'VM', cell: (bot) => bot.vm_name ?? '—' },
    { header: 'Character', cell: (bot) => characterLabel(bot.character) },
    { header: 'Tags', cell: (bot) => (bot.tags.length ? bot.tags.join(', ') : '—') },
    { header: 'Last seen', cell: (bot) => formatDateTime(bot.last_seen_at) },
    sortable('updated_at', 'Updated', (bot) => formatDateTime(bot.updated_at)),
    sortable('created_at', 'Created', (bot) => formatDateTime(bot.created_at)),
  ];

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
              <EnumOptions values={BOT_STATUSES} />
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
          <DataTable
            label="Bots"
            columns={columns}
            items={items}
            rowTestId={(bot) => `bot-${bot.id}`}
            actions={(bot) => (
              <RowActions
                label={bot.name}
                onEdit={() => dialogs.edit(bot)}
                onDelete={() => dialogs.remove(bot)}
              />
            )}
          />
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
