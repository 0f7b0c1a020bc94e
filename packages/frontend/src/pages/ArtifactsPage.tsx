import { ArtifactPlatform, endpoints, type Artifact } from '@bot-mox/contracts';
import { describeError } from '@bot-mox/contracts/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePagedList } from '../api/hooks';
import { keys } from '../api/keys';
import { useServices } from '../app/services';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { Field } from '../components/Field';
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
              {ArtifactPlatform.options.map((o) => (
                <option key={o} value={o}>
                  {humanize(o)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {downloadError && (
        <p className="form-error" role="alert">
          {downloadError}
        </p>
      )}
      <ListState
        list={list}
        title="installers"
        empty={platform ? 'No installers for this platform.' : 'No installers uploaded yet.'}
      >
        {(items) => (
          <div className="table-wrap">
            <table aria-label="Installers">
              <thead>
                <tr>
                  <th scope="col">Platform</th>
                  <th scope="col">Version</th>
                  <th scope="col">File</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Uploaded</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id}>
                    <td>{humanize(a.platform)}</td>
                    <td>{a.version}</td>
                    <td>
                      <code>{a.file_name}</code>
                    </td>
                    <td className="num">{formatBytes(a.size_bytes)}</td>
                    <td>
                      <span
                        className={`badge badge-${a.status === 'ready' ? 'ok' : a.status === 'pending' ? 'idle' : 'error'}`}
                      >
                        {humanize(a.status)}
                      </span>
                    </td>
                    <td>{formatDateTime(a.uploaded_at)}</td>
                    <td className="actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={
                          a.status !== 'ready' ||
                          (download.isPending && download.variables.id === a.id)
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
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
