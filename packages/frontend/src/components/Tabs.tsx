import { useRef, type ComponentType, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router';

/** WAI-ARIA tabs: arrow keys, Home and End move between tabs; the choice lives in the URL. */
export function Tabs<Id extends string>({
  tabs,
  current,
  onSelect,
  label,
}: {
  tabs: readonly { id: Id; label: string }[];
  current: Id;
  onSelect: (id: Id) => void;
  label: string;
}) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((t) => t.id === current);
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (index - 1 + tabs.length) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? tabs.length - 1
              : -1;
    const tab = tabs[next];
    if (!tab) return;
    event.preventDefault();
    onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
          }}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={t.id === current}
          aria-controls={`panel-${t.id}`}
          tabIndex={t.id === current ? 0 : -1}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** A page of tabs: its title, the tabs (the choice in `?tab=`, the first by default), the panel. */
export function TabbedPage<Id extends string>({
  id,
  title,
  label,
  tabs,
}: {
  /** Prefix of the heading's id: `<id>-title`. */
  id: string;
  title: string;
  /** The tab list's accessible name. */
  label: string;
  tabs: readonly [
    { id: Id; label: string; Panel: ComponentType },
    ...{ id: Id; label: string; Panel: ComponentType }[],
  ];
}) {
  const [params, setParams] = useSearchParams();
  const current = tabs.find((t) => t.id === params.get('tab')) ?? tabs[0];
  return (
    <section aria-labelledby={`${id}-title`}>
      <div className="page-header">
        <h1 id={`${id}-title`}>{title}</h1>
      </div>
      <Tabs
        tabs={tabs}
        current={current.id}
        label={label}
        onSelect={(tab) => setParams({ tab }, { replace: true })}
      />
      <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
        <current.Panel />
      </div>
    </section>
  );
}
