import type { ReactNode } from 'react';
import { describeError } from '@bot-mox/contracts/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/**
 * Grey bars standing in for the rows a list will have, so a panel takes its final size before
 * its data arrives (nothing below it moves when the data comes).
 */
export function SkeletonRows({ rows }: { rows: number }) {
  return (
    <ul className="stat-list skeleton" aria-hidden="true">
      {Array.from({ length: rows }, (_, i) => (
        <li key={i}>
          <span className="skeleton-bar" />
        </li>
      ))}
    </ul>
  );
}

export function ErrorState({
  error,
  onRetry,
  title = 'Could not load data',
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <span>{describeError(error)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** What QueryState reads from a query (a TanStack query result, or several combined). */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  dataUpdatedAt?: number;
  refetch: () => unknown;
}

interface QueryStateProps<T> {
  query: QueryLike<T>;
  /** Loading label, e.g. "Loading bots…". */
  loading?: string;
  /** Shown under the loading label: placeholders of the data's size (SkeletonRows). */
  skeleton?: ReactNode;
  errorTitle?: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

/** Renders a query honestly: loading, error (with retry), empty, data, and stale-on-error. */
export function QueryState<T>({
  query,
  loading,
  skeleton,
  errorTitle,
  isEmpty,
  empty,
  children,
}: QueryStateProps<T>) {
  if (query.isPending) {
    return (
      <>
        <Loading label={loading} />
        {skeleton}
      </>
    );
  }
  if (query.isError && query.data === undefined) {
    return (
      <ErrorState error={query.error} title={errorTitle} onRetry={() => void query.refetch()} />
    );
  }
  const data = query.data as T;
  return (
    <>
      {query.isError && (
        <p className="stale-note" role="status">
          Showing data from {new Date(query.dataUpdatedAt ?? Date.now()).toLocaleTimeString()}: the
          latest refresh failed ({describeError(query.error)}).
        </p>
      )}
      {isEmpty?.(data) ? <EmptyState>{empty ?? 'Nothing here yet.'}</EmptyState> : children(data)}
    </>
  );
}
