// Pieces every paged list shares: a row's Edit/Delete buttons, and the footer that says when a
// refresh failed and loads the next page, and the states of a whole paged list.
import type { ReactNode } from 'react';
import { EmptyState, ErrorState, Loading } from './QueryState';

/** Edit and Delete buttons of one item; `label` makes their accessible names: "Edit <label>". */
export function EditDeleteButtons({
  label,
  onEdit,
  onDelete,
}: {
  label: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <>
      <button type="button" className="btn btn-small" aria-label={`Edit ${label}`} onClick={onEdit}>
        Edit
      </button>
      <button
        type="button"
        className="btn btn-small btn-danger"
        aria-label={`Delete ${label}`}
        onClick={onDelete}
      >
        Delete
      </button>
    </>
  );
}

/** A table row's Edit and Delete buttons, in their own cell. */
export function RowActions(props: Parameters<typeof EditDeleteButtons>[0]) {
  return (
    <td className="actions">
      <EditDeleteButtons {...props} />
    </td>
  );
}

interface PagedListState {
  isError: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

export function ListFooter({ list }: { list: PagedListState }) {
  return (
    <>
      {list.isError && (
        <p className="stale-note" role="status">
          The latest refresh failed; the list may be out of date.
        </p>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="btn"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}

/** What ListState reads from usePagedList. */
interface PagedList<T> extends PagedListState {
  isPending: boolean;
  error: unknown;
  items: T[] | undefined;
  refetch: () => unknown;
}

/**
 * A paged list's honest states: loading, error with retry (while nothing is shown yet), empty,
 * then the items and the footer (stale note, "Load more").
 */
export function ListState<T>({
  list,
  title,
  empty,
  children,
}: {
  list: PagedList<T>;
  /** Plural, as a person reads it: "bots" → "Loading bots…", "Could not load bots". */
  title: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  if (list.isPending) return <Loading label={`Loading ${title}…`} />;
  if (list.isError && !list.items) {
    return (
      <ErrorState
        error={list.error}
        title={`Could not load ${title}`}
        onRetry={() => void list.refetch()}
      />
    );
  }
  if (!list.items?.length) return <EmptyState>{empty}</EmptyState>;
  return (
    <>
      {children(list.items)}
      <ListFooter list={list} />
    </>
  );
}
