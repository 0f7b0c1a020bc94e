// The bots table's own cells: a status badge that flashes on live changes, sortable headers.
import { useEffect, useRef, useState } from 'react';
import { humanize } from '../../components/format';

export type SortField = 'name' | 'created_at' | 'updated_at';

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

export function SortHeader({
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
