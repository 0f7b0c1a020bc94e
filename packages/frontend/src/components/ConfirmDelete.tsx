import { useState } from 'react';
import { describeError } from '@bot-mox/contracts/client';
import { Dialog } from './Dialog';

interface ConfirmDeleteProps {
  what: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}

export function ConfirmDelete({ what, onConfirm, onClose }: ConfirmDeleteProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={`Delete ${what}?`} onClose={onClose}>
      <p>This cannot be undone.</p>
      {error && (
        <p className="form-error" role="alert">
          Not deleted: {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            onConfirm()
              .then(onClose)
              .catch((e: unknown) => setError(describeError(e)))
              .finally(() => setBusy(false));
          }}
        >
          {busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Dialog>
  );
}
