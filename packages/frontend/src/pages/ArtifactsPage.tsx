import { ArtifactPlatform, endpoints, type Artifact } from '@bot-mox/contracts';
import { describeError } from '@bot-mox/contracts/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePagedList } from '../api/hooks';
import { keys } from '../api/keys';
import { useServices } from '../app/services';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { DataTable, type Column } from '../components/DataTable';
import { EnumOptions, Field } from '../components/Field';
import { ErrorLine } from '../components/FormErrors';
import { ListState } from '../components/ListParts';
import { formatBytes, formatDateTime, humanize } from '../components/format';
import { UploadForm } from './artifacts/UploadForm';

/** Starts a browser download of a presigned GET URL without leaving the page. */
export function startDownload(url: string, fileName: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

const statusBadge = (status: Artifact['status']) =>
  status === 'ready' ? 'ok' : status === 'pending' ? 'idle' : 'error';

const COLUMNS: Column<Artifact>[] = [
  { header: 'Platform', cell: (a) => humanize(a.platform) },
  { header: 'Version', cell: (a) => a.version },
  { header: 'File', cell: (a) => <code>{a.file_name}</code> },
  { header: 'Size', cell: (a) => formatBytes(a.size_bytes), numeric: true },
  {
    header: 'Status',
    cell: (a) => (
      <span className={`badge badge-${statusBadge(a.status)}`}>{humanize(a.status)}</span>
    ),
  },
  { header: 'Uploaded', cell: (a) => formatDateTime(a.uploaded_at) },
];

export default function ArtifactsPage() {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const [platform, setPlatform] = useState<ArtifactPlatform | ''>('');
  const list = usePagedList(
    keys.artifacts,
    endpoints.listArtifactInstallers,
    platform ? { platform } : {},
  );
  const [deleting, setDeleting] = useState<Artifact | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = useMutation({
    mutationFn: (artifact: Artifact) =>
      api.call(endpoints.downloadArtifactInstaller, { params: { id: artifact.id } }),
    onSuccess: (link, artifact) => startDownload(link.url, artifact.file_name),
    onError: (error, artifact) =>
      setDownloadError(`Could not download ${artifact.file_name}: ${describeError(error)}`),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.call(endpoints.deleteArtifactInstaller, { params: { id } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.artifacts }),
  });

  return (
    <section aria-labelledby="artifacts-title">
      <div className="page-header">
        <h1 id="artifacts-title">Artifacts</h1>
      </div>
      <UploadForm />
      <div className="toolbar">
        <Field label="Platform filter">
          {(p) => (
            <select
              {...p}
              value={platform}
              onChange={(e) => setPlatform(ArtifactPlatform.safeParse(e.target.value).data ?? '')}
            >
              <option value="">All platforms</option>
              <EnumOptions values={ArtifactPlatform.options} />
            </select>
          )}
        </Field>
      </div>
      <ErrorLine message={downloadError} />
      <ListState
        list={list}
        title="installers"
        empty={platform ? 'No installers for this platform.' : 'No installers uploaded yet.'}
      >
        {(items) => (
          <DataTable
            label="Installers"
            columns={COLUMNS}
            items={items}
            actions={(a) => (
              <td className="actions">
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={
                    a.status !== 'ready' || (download.isPending && download.variables.id === a.id)
                  }
                  aria-label={`Download ${a.file_name}`}
                  onClick={() => {
                    setDownloadError(null);
                    download.mutate(a);
                  }}
                >
                  Download
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  aria-label={`Delete ${a.file_name}`}
                  onClick={() => setDeleting(a)}
                >
                  Delete
                </button>
              </td>
            )}
          />
        )}
      </ListState>
      {deleting && (
        <ConfirmDelete
          what={`installer ${deleting.file_name}`}
          onConfirm={() => remove.mutateAsync(deleting.id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
