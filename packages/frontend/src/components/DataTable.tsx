import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell: (item: T) => ReactNode;
  numeric?: boolean;
  /** A header cell of its own (a sort button) instead of the plain `<th>` of `header`. */
  headerCell?: ReactNode;
}

/** A table of items: one column a field, and an actions cell (Edit/Delete, …) at the end. */
export function DataTable<T extends { id: string }>({
  label,
  columns,
  items,
  actions,
  rowTestId,
}: {
  /** The table's accessible name. */
  label: string;
  columns: Column<T>[];
  items: T[];
  /** The last cell of a row: a `<td>` with its buttons. */
  actions: (item: T) => ReactNode;
  rowTestId?: (item: T) => string;
}) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map(
              (c) =>
                c.headerCell ?? (
                  <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                    {c.header}
                  </th>
                ),
            )}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-testid={rowTestId?.(item)}>
              {columns.map((c) => (
                <td key={c.header} className={c.numeric ? 'num' : undefined}>
                  {c.cell(item)}
                </td>
              ))}
              {actions(item)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
