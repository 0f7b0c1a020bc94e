import type { PageOf } from '@bot-mox/contracts';
import type { QueryKey } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { Query } from '../api/client';
import { useCollectionMutations, usePagedList } from '../api/hooks';
import { ConfirmDelete } from './ConfirmDelete';
import { Dialog } from './Dialog';
import { ListFooter, RowActions } from './ListParts';
import { EmptyState, ErrorState, Loading } from './QueryState';

export interface Column<T> {
  header: string;
  cell: (item: T) => ReactNode;
  numeric?: boolean;
}

export interface FormRenderProps<T> {
  item?: T;
  onSubmit: (body: unknown) => Promise<unknown>;
  onDone: () => void;
  onCancel: () => void;
}

interface CrudTableProps<T extends { id: string }> {
  /** Singular noun: "license". */
  noun: string;
  /** Plural, used as the table's accessible name: "Licenses". */
  title: string;
  queryKey: QueryKey;
  listPath: string;
  itemPath: (id: string) => string;
  pageSchema: z.ZodType<PageOf<T>>;
  itemSchema: z.ZodType<T>;
  columns: Column<T>[];
  itemLabel: (item: T) => string;
  renderForm: (props: FormRenderProps<T>) => ReactNode;
  query?: Query;
  filters?: ReactNode;
  filtered?: boolean;
  invalidateAlso?: QueryKey[];
  /** Shown above the table (e.g. a summary chart); gets the loaded items. */
  emptyText?: string;
}

/** A paged, contract-typed table with create / edit / delete dialogs and honest states. */
export function CrudTable<T extends { id: string }>(props: CrudTableProps<T>) {
  const {
    noun,
    title,
    queryKey,
    listPath,
    itemPath,
    pageSchema,
    itemSchema,
    columns,
    itemLabel,
    renderForm,
    query = {},
    filters,
    filtered,
  } = props;
  const list = usePagedList(queryKey, listPath, pageSchema, query);
  const { create, update, remove } = useCollectionMutations(
    queryKey,
    listPath,
    itemPath,
    itemSchema,
    props.invalidateAlso,
  );
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);

  return (
    <section aria-label={title}>
      <div className="toolbar">
        {filters}
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          New {noun}
        </button>
      </div>
      {list.isPending ? (
        <Loading label={`Loading ${title.toLowerCase()}…`} />
      ) : list.isError && !list.items ? (
        <ErrorState
          error={list.error}
          title={`Could not load ${title.toLowerCase()}`}
          onRetry={() => void list.refetch()}
        />
      ) : !list.items?.length ? (
        <EmptyState>
          {filtered
            ? `No ${title.toLowerCase()} match these filters.`
            : (props.emptyText ?? `No ${title.toLowerCase()} yet.`)}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-label={title}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                      {c.header}
                    </th>
                  ))}
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((item) => (
                  <tr key={item.id}>
                    {columns.map((c) => (
                      <td key={c.header} className={c.numeric ? 'num' : undefined}>
                        {c.cell(item)}
                      </td>
                    ))}
                    <RowActions
                      label={itemLabel(item)}
                      onEdit={() => setEditing(item)}
                      onDelete={() => setDeleting(item)}
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
          title={editing === 'new' ? `New ${noun}` : `Edit ${itemLabel(editing)}`}
          onClose={() => setEditing(null)}
        >
          {renderForm({
            item: editing === 'new' ? undefined : editing,
            onSubmit: (body) =>
              editing === 'new'
                ? create.mutateAsync(body)
                : update.mutateAsync({ id: editing.id, body }),
            onDone: () => setEditing(null),
            onCancel: () => setEditing(null),
          })}
        </Dialog>
      )}
      {deleting && (
        <ConfirmDelete
          what={`${noun} ${itemLabel(deleting)}`}
          onConfirm={() => remove.mutateAsync(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
