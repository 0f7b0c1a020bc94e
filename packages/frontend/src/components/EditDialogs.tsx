// The edit and delete dialogs of a collection, wired once: which item is being edited (or
// 'new') or deleted, the form in a dialog, and the delete confirmation.
import { useState, type ReactNode } from 'react';
import { ConfirmDelete } from './ConfirmDelete';
import { Dialog } from './Dialog';

export interface FormRenderProps<T, B = unknown> {
  /** The item being edited; undefined when creating. */
  item?: T;
  onSubmit: (body: B) => Promise<unknown>;
  onDone: () => void;
  onCancel: () => void;
}

export function useEditDialogs<T>() {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  return {
    editing,
    deleting,
    startNew: () => setEditing('new'),
    edit: (item: T) => setEditing(item),
    remove: (item: T) => setDeleting(item),
    closeEdit: () => setEditing(null),
    closeDelete: () => setDeleting(null),
  };
}

interface EditDialogsProps<T extends { id: string }, B> {
  state: ReturnType<typeof useEditDialogs<T>>;
  /** Singular noun: "license". */
  noun: string;
  /** What an item is called in titles: its name, key or title. */
  itemLabel: (item: T) => string;
  /** Title of the edit dialog; `Edit <label>` unless given. */
  editTitle?: (item: T) => string;
  renderForm: (props: FormRenderProps<T, B>) => ReactNode;
  /** Creates (no id) or updates (an id); see useCollectionMutations' save. */
  save: (id: string | undefined, body: B) => Promise<unknown>;
  onDelete: (id: string) => Promise<unknown>;
}

export function EditDialogs<T extends { id: string }, B>({
  state,
  noun,
  itemLabel,
  editTitle = (item) => `Edit ${itemLabel(item)}`,
  renderForm,
  save,
  onDelete,
}: EditDialogsProps<T, B>) {
  const { editing, deleting } = state;
  const item = editing === 'new' ? undefined : (editing ?? undefined);
  return (
    <>
      {editing && (
        <Dialog title={item ? editTitle(item) : `New ${noun}`} onClose={state.closeEdit}>
          {renderForm({
            item,
            onSubmit: (body) => save(item?.id, body),
            onDone: state.closeEdit,
            onCancel: state.closeEdit,
          })}
        </Dialog>
      )}
      {deleting && (
        <ConfirmDelete
          what={`${noun} ${itemLabel(deleting)}`}
          onConfirm={() => onDelete(deleting.id)}
          onClose={state.closeDelete}
        />
      )}
    </>
  );
}
