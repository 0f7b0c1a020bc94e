import { endpoints, type Endpoints } from '@bot-mox/contracts';
import type { QueryKey } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import {
  useCollectionMutations,
  usePagedItems,
  type CollectionName,
  type CreateBody,
  type ItemOf,
  type ListQuery,
  type UpdateBody,
} from '../api/hooks';
import { DataTable, type Column } from './DataTable';
import { EditDialogs, useEditDialogs, type FormRenderProps } from './EditDialogs';
import { ListState, RowActions } from './ListParts';

/** What a collection's form gets: the item (when editing) and a typed submit. */
export type CollectionFormProps<N extends CollectionName> = FormRenderProps<
  ItemOf<N>,
  CreateBody<N> | UpdateBody<N>
>;

interface CrudTableProps<N extends CollectionName> {
  /** The collection in the endpoint table: "Licenses" (listLicenses, createLicenses, ...). */
  collection: N;
  /** Singular noun: "license". */
  noun: string;
  /** Plural, used as the table's accessible name: "Licenses". */
  title: string;
  queryKey: QueryKey;
  columns: Column<ItemOf<N>>[];
  itemLabel: (item: ItemOf<N>) => string;
  renderForm: (props: CollectionFormProps<N>) => ReactNode;
  query?: ListQuery<Endpoints[`list${N}`]>;
  filters?: ReactNode;
  filtered?: boolean;
  invalidateAlso?: QueryKey[];
  /** What the empty state says when no filter is set. */
  emptyText?: string;
}

/** A paged, contract-typed table with create / edit / delete dialogs and honest states. */
export function CrudTable<N extends CollectionName>(props: CrudTableProps<N>) {
  const { collection, noun, title, queryKey, columns, itemLabel, filters, filtered } = props;
  const list = usePagedItems<ItemOf<N>>(
    queryKey,
    endpoints[`list${collection}`],
    props.query ?? {},
  );
  const { remove, save } = useCollectionMutations(queryKey, collection, props.invalidateAlso);
  const dialogs = useEditDialogs<ItemOf<N>>();
  const lower = title.toLowerCase();

  return (
    <section aria-label={title}>
      <div className="toolbar">
        {filters}
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={dialogs.startNew}>
          New {noun}
        </button>
      </div>
      <ListState
        list={list}
        title={lower}
        empty={
          filtered ? `No ${lower} match these filters.` : (props.emptyText ?? `No ${lower} yet.`)
        }
      >
        {(items) => (
          <DataTable
            label={title}
            columns={columns}
            items={items}
            actions={(item) => (
              <RowActions
                label={itemLabel(item)}
                onEdit={() => dialogs.edit(item)}
                onDelete={() => dialogs.remove(item)}
              />
            )}
          />
        )}
      </ListState>
      <EditDialogs
        state={dialogs}
        noun={noun}
        itemLabel={itemLabel}
        renderForm={props.renderForm}
        save={save}
        onDelete={(id) => remove.mutateAsync(id)}
      />
    </section>
  );
}
