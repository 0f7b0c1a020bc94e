import { endpoints, NoteCreate, NoteUpdate, type Note } from '@bot-mox/contracts';
import { useAllPages, useCollectionMutations } from '../../api/hooks';
import { keys } from '../../api/keys';
import { ContractForm } from '../../components/ContractForm';
import type { CollectionFormProps } from '../../components/CrudTable';
import { EditDialogs, useEditDialogs } from '../../components/EditDialogs';
import { formatDateTime } from '../../components/format';
import { str } from '../../components/formValues';
import { EditDeleteButtons } from '../../components/ListParts';
import { QueryState } from '../../components/QueryState';
import { SectionHeader } from './SectionHeader';

function NoteForm({ item, ...props }: CollectionFormProps<'Notes'>) {
  return (
    <ContractForm
      label={item ? 'Edit note' : 'New note'}
      fields={[
        { name: 'title', label: 'Title', type: 'text', wide: true },
        { name: 'content', label: 'Content', type: 'textarea' },
        { name: 'pinned', label: 'Pinned', type: 'checkbox' },
      ]}
      initial={{
        title: item?.title ?? '',
        content: item?.content ?? '',
        pinned: item?.pinned ?? false,
      }}
      schema={item ? NoteUpdate : NoteCreate}
      toInput={(v) => ({ title: str(v.title), content: str(v.content), pinned: v.pinned === true })}
      submitLabel={item ? 'Save changes' : 'Create note'}
      {...props}
    />
  );
}

export function NotesSection() {
  const notes = useAllPages(keys.notes, endpoints.listNotes, { sort: '-updated_at' });
  const { remove, save } = useCollectionMutations(keys.notes, 'Notes');
  const dialogs = useEditDialogs<Note>();

  return (
    <section aria-label="Notes">
      <SectionHeader title="Notes" action="New note" onAction={dialogs.startNew} />
      <QueryState
        query={notes}
        loading="Loading notes…"
        errorTitle="Could not load notes"
        isEmpty={(d) => d.items.length === 0}
        empty="No notes yet."
      >
        {({ items }) => (
          <ul className="notes" aria-label="Notes list">
            {[...items]
              .sort((a, b) => Number(b.pinned) - Number(a.pinned))
              .map((n) => (
                <li key={n.id} className="card">
                  <h3>
                    {n.pinned && <span aria-label="Pinned">📌 </span>}
                    {n.title}
                  </h3>
                  <p className="note-content">{n.content || <em>Empty note</em>}</p>
                  <small className="muted">Updated {formatDateTime(n.updated_at)}</small>
                  <div className="card-actions">
                    <EditDeleteButtons
                      label={`note ${n.title}`}
                      onEdit={() => dialogs.edit(n)}
                      onDelete={() => dialogs.remove(n)}
                    />
                  </div>
                </li>
              ))}
          </ul>
        )}
      </QueryState>
      <EditDialogs
        state={dialogs}
        noun="note"
        itemLabel={(n) => n.title}
        editTitle={(n) => `Edit note ${n.title}`}
        renderForm={(p) => <NoteForm {...p} />}
        save={save}
        onDelete={(id) => remove.mutateAsync(id)}
      />
    </section>
  );
}
