// Uploading an installer: the API hands out a presigned PUT, the browser sends the file
// straight to object storage (with progress), then the API checks the object and marks it ready.
import {
  ArtifactPlatform,
  ArtifactUploadCreate,
  endpoints,
  type ArtifactUploadTicket,
} from '@bot-mox/contracts';
import { ApiError, describeError, type FieldErrors } from '@bot-mox/contracts/client';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { keys } from '../../api/keys';
import { useServices } from '../../app/services';
import { EnumOptions, Field } from '../../components/Field';
import { FormErrors } from '../../components/FormErrors';
import { formatBytes } from '../../components/format';
import { issuesToFieldErrors } from '../../components/useContractForm';

type Phase =
  | { step: 'idle' }
  | { step: 'requesting' }
  | { step: 'uploading'; loaded: number; total: number }
  | { step: 'finishing' }
  | { step: 'done'; fileName: string };

export function UploadForm() {
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
    let ticket: ArtifactUploadTicket;
    try {
      setPhase({ step: 'requesting' });
      ticket = await api.call(endpoints.createArtifactInstaller, { body: request.data });
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
      await api.call(endpoints.completeArtifactInstaller, { params: { id: ticket.artifact.id } });
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
              <EnumOptions values={ArtifactPlatform.options} />
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
