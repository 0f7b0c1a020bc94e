import type { ReactNode } from 'react';

/** A workspace section's toolbar: its (hidden) heading or controls, and its "New …" button. */
export function SectionHeader({
  title,
  action,
  onAction,
  children,
}: {
  title?: string;
  action: string;
  onAction: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="toolbar">
      {title && <h2 className="visually-hidden">{title}</h2>}
      {children}
      <span className="spacer" />
      <button type="button" className="btn btn-primary" onClick={onAction}>
        {action}
      </button>
    </div>
  );
}
