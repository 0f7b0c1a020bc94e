import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { ApiError, describeError, type FieldErrors } from '../api/errors';
import { usePagedList } from '../api/hooks';
import { keys, paths } from '../api/paths';
import {
  Artifact,
  ArtifactDownload,
  ArtifactPage,
  ArtifactPlatform,
  ArtifactUploadCreate,
  ArtifactUploadTicket,
} from '@bot-mox/contracts';
import { useServices } from '../app/services';
import { ListFooter } from '../components/ListParts';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { Field } from '../components/Field';
import { FormErrors } from '../components/FormErrors';
import { EmptyState, ErrorState, Loading } from '../components/QueryState';
import { formatBytes, formatDateTime, humanize } from '../components/format';
import { issuesToFieldErrors } from '../components/useContractForm';

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

type Phase =
  | { step: 'idle' }
  | { step: 'requesting' }
  | { step: 'uploading'; loaded: number; total: number }
  | { step: 'finishing' }
  | { step: 'done'; fileName: string };

function UploadForm() {
  const { api, upload } = useServices();
  const queryClient = useQueryClient();
  const [platform, setPlatform] = useState<string>('windows');
  const [version, setVersion] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const busy =
    phase.step === 'requesting' || phase.step === 'uploading' || phase.step === 'finishing';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const request = ArtifactUploadCreate.safeParse({
      platform,
      version: version.trim(),
      file_name: file?.name ?? '',
      size_bytes: file?.size ?? 0,
      content_type: file ? file.type || 'application/octet-stream' : '',
    });
    if (!file) {
      setErrors({ file_name: ['Choose a file to upload.'] });
      return;
    }
    if (!request.success) {
      setErrors(issuesToFieldErrors(request.error.issues));
      return;
    }
    setErrors({});
    const controller = new AbortController();
    abort.current = controller;
    let ticket: z.infer<typeof ArtifactUploadTicket>;
    try {
      setPhase({ step: 'requesting' });
      ticket = await api.post(paths.artifacts, ArtifactUploadTicket, request.data);
    } catch (error) {
      setPhase({ step: 'idle' });
      if (error instanceof ApiError && Object.keys(error.fieldErrors).length)
        setErrors(error.fieldErrors);
      setFormError(`Upload not started: ${describeError(error)}`);
      return;
    }
    try {
      setPhase({ step: 'uploading', loaded: 0, total: file.size });
      await upload({
        url: ticket.upload.url,
        file,
        headers: ticket.upload.headers,
        signal: controller.signal,
        onProgress: ({ loaded, total }) => setPhase({ step: 'uploading', loaded, total }),
      });
      setPhase({ step: 'finishing' });
      await api.post(paths.artifactComplete(ticket.artifact.id), Artifact);
      setPhase({ step: 'done', fileName: file.name });
      setFile(null);
      setVersion('');
      if (fileInput.current) fileInput.current.value = '';
      await queryClient.invalidateQueries({ queryKey: keys.artifacts });
    } catch (error) {
      setPhase({ step: 'idle' });
      setFormError(
        error instanceof DOMException && error.name === 'AbortError'
          ? 'Upload cancelled.'
          : `Upload failed: ${describeError(error)}`,
      );
    } finally {
      abort.current = null;
    }
  };

  const percent =
    phase.step === 'uploading' && phase.total > 0
      ? Math.floor((phase.loaded / phase.total) * 100)
      : 0;

  return (
    <form
      className="panel"
      onSubmit={(e) => void onSubmit(e)}
      noValidate
      aria-labelledby="upload-title"
      style={{ marginBottom: '1rem' }}
    >
      <h2 id="upload-title">Upload an installer</h2>
      <div className="form-grid">
        <Field label="Platform" error={errors.platform}>
          {(p) => (
            <select
              {...p}
              value={platform}
              disabled={busy}
              onChange={(e) => setPlatform(e.target.value)}
            >
              {ArtifactPlatform.options.map((o) => (
                <option key={o} value={o}>
                  {humanize(o)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Version" hint="e.g. 1.4.2" error={errors.version}>
          {(p) => (
            <input
              {...p}
              value={version}
              disabled={busy}
              onChange={(e) => setVersion(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="File"
          error={[
            ...(errors.file_name ?? []),
            ...(errors.size_bytes ?? []),
            ...(errors.content_type ?? []),
          ]}
        >
          {(p) => (
            <input
              {...p}
              ref={fileInput}
              type="file"
              disabled={busy}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
      </div>
      <FormErrors
        formError={formError}
        other={Object.entries(errors)
          .filter(
            ([k]) =>
              !['platform', 'version', 'file_name', 'size_bytes', 'content_type'].includes(k),
          )
          .map(([k, m]) => `${k}: ${m.join(' ')}`)}
      />
      {phase.step === 'uploading' && (
        <div className="field">
          <label htmlFor="upload-progress">
            Uploading… {percent}% ({formatBytes(phase.loaded)} of {formatBytes(phase.total)})
          </label>
          <progress id="upload-progress" max={100} value={percent} aria-valuetext={`${percent}%`} />
        </div>
      )}
      {phase.step === 'requesting' && <p role="status">Preparing the upload…</p>}
      {phase.step === 'finishing' && <p role="status">Finishing…</p>}
      {phase.step === 'done' && <p role="status">Uploaded {phase.fileName}.</p>}
      <div className="form-actions">
        {phase.step === 'uploading' && (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>
            Cancel upload
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Upload
        </button>
      </div>
    </form>
  );
}

export default function ArtifactsPage() {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const [platform, setPlatform] = useState('');
  const list = usePagedList(
    keys.artifacts,
    paths.artifacts,
    ArtifactPage,
    platform ? { platform } : {},
  );
  const [deleting, setDeleting] = useState<Artifact | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = useMutation({
    mutationFn: (artifact: Artifact) =>
      api.get(paths.artifactDownload(artifact.id), ArtifactDownload),
    onSuccess: (link, artifact) => startDownload(link.url, artifact.file_name),
    onError: (error, artifact) =>
      setDownloadError(`Could not download ${artifact.file_name}: ${describeError(error)}`),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(paths.artifact(id), z.unknown()),
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
            <select {...p} value={platform} onChange={(e) => setPlatform(e.target.value)}>
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
      {list.isPending ? (
        <Loading label="Loading installers…" />
      ) : list.isError && !list.items ? (
        <ErrorState
          error={list.error}
          title="Could not load installers"
          onRetry={() => void list.refetch()}
        />
      ) : !list.items?.length ? (
        <EmptyState>
          {platform ? 'No installers for this platform.' : 'No installers uploaded yet.'}
        </EmptyState>
      ) : (
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
              {list.items.map((a) => (
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
          <ListFooter list={list} />
        </div>
      )}
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
