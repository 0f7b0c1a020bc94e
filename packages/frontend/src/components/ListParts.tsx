// Pieces every paged list shares: a row's Edit/Delete buttons, and the footer that says when a
// refresh failed and loads the next page.

export function RowActions({
  label,
  onEdit,
  onDelete,
}: {
  /** What the row is, for the buttons' accessible names: "Edit <label>". */
  label: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  return (
    <td className="actions">
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
