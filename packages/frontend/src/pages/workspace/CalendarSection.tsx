import {
  CalendarEventCreate,
  CalendarEventUpdate,
  endpoints,
  type CalendarEvent,
} from '@bot-mox/contracts';
import { useState } from 'react';
import { useAllPages, useCollectionMutations } from '../../api/hooks';
import { keys } from '../../api/keys';
import { ContractForm } from '../../components/ContractForm';
import type { CollectionFormProps } from '../../components/CrudTable';
import { EditDialogs, useEditDialogs } from '../../components/EditDialogs';
import { formatDate } from '../../components/format';
import { str } from '../../components/formValues';
import { EditDeleteButtons } from '../../components/ListParts';
import { QueryState } from '../../components/QueryState';
import { SectionHeader } from './SectionHeader';

export function todayIsoDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function EventForm({ item, ...props }: CollectionFormProps<'CalendarEvents'>) {
  return (
    <ContractForm
      label={item ? 'Edit event' : 'New event'}
      fields={[
        { name: 'title', label: 'Title', type: 'text', wide: true },
        { name: 'date', label: 'Date', type: 'date' },
        { name: 'note', label: 'Note', type: 'textarea' },
      ]}
      initial={{
        title: item?.title ?? '',
        date: item?.date ?? todayIsoDate(),
        note: item?.note ?? '',
      }}
      schema={item ? CalendarEventUpdate : CalendarEventCreate}
      toInput={(v) => ({ title: str(v.title), date: str(v.date), note: str(v.note) })}
      submitLabel={item ? 'Save changes' : 'Create event'}
      {...props}
    />
  );
}

export function CalendarSection() {
  const [includePast, setIncludePast] = useState(false);
  const events = useAllPages(keys.calendar, endpoints.listCalendarEvents, {
    sort: 'date',
    ...(includePast ? {} : { from: todayIsoDate() }),
  });
  const { remove, save } = useCollectionMutations(keys.calendar, 'CalendarEvents');
  const dialogs = useEditDialogs<CalendarEvent>();

  return (
    <section aria-label="Calendar">
      <SectionHeader action="New event" onAction={dialogs.startNew}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includePast}
            onChange={(e) => setIncludePast(e.target.checked)}
          />
          Include past events
        </label>
      </SectionHeader>
      <QueryState
        query={events}
        loading="Loading calendar…"
        errorTitle="Could not load the calendar"
        isEmpty={(d) => d.items.length === 0}
        empty={includePast ? 'No calendar events.' : 'No upcoming events.'}
      >
        {({ items }) => {
          const byDate = new Map<string, CalendarEvent[]>();
          for (const e of items) byDate.set(e.date, [...(byDate.get(e.date) ?? []), e]);
          return (
            <ol className="stat-list" aria-label="Calendar events">
              {[...byDate].map(([date, dayEvents]) => (
                <li key={date} className="card" style={{ display: 'block' }}>
                  <h3>
                    <time dateTime={date}>{formatDate(date)}</time>
                  </h3>
                  <ul className="stat-list">
                    {dayEvents.map((e) => (
                      <li key={e.id}>
                        <span>
                          <strong>{e.title}</strong>
                          {e.note && <span className="muted"> — {e.note}</span>}
                        </span>
                        <span className="card-actions">
                          <EditDeleteButtons
                            label={`event ${e.title}`}
                            onEdit={() => dialogs.edit(e)}
                            onDelete={() => dialogs.remove(e)}
                          />
                        </span>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
          );
        }}
      </QueryState>
      <EditDialogs
        state={dialogs}
        noun="event"
        itemLabel={(e) => e.title}
        editTitle={(e) => `Edit event ${e.title}`}
        renderForm={(p) => <EventForm {...p} />}
        save={save}
        onDelete={(id) => remove.mutateAsync(id)}
      />
    </section>
  );
}
