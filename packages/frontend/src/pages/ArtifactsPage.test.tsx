import { act, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { Artifact, ArtifactUploadCreate, type ArtifactUploadTicket } from '@bot-mox/contracts';
import type { UploadRequest } from '../api/upload';
import { page, problem, validationProblem } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

const artifact = (o: Partial<Artifact> = {}) =>
  Artifact.parse({
    id: 'art_1',
    platform: 'windows',
    version: '1.4.2',
    file_name: 'botmox-setup.exe',
    object_key: 'artifacts/installers/windows/1.4.2/botmox-setup.exe',
    size_bytes: 5 * 1024 * 1024,
    content_type: 'application/vnd.microsoft.portable-executable',
    sha256: null,
    status: 'ready',
    created_at: '2026-11-02T09:00:00.000Z',
    updated_at: '2026-11-02T09:01:00.000Z',
    uploaded_at: '2026-11-02T09:01:00.000Z',
    upload_expires_at: '2026-11-02T09:15:00.000Z',
    ...o,
  });

/** An upload function the test drives by hand: progress, success or failure. */
function manualUpload() {
  const calls: UploadRequest[] = [];
  let settle: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  const upload = vi.fn(
    (request: UploadRequest) =>
      new Promise<void>((resolve, reject) => {
        calls.push(request);
        settle = { resolve, reject };
      }),
  );
  return {
    upload,
    calls,
    progress: (loaded: number) =>
      act(() => calls[0]!.onProgress?.({ loaded, total: calls[0]!.file.size })),
    finish: () => act(() => settle!.resolve()),
  };
}

describe('Artifacts page', () => {
  it('shows loading, then the installer list', async () => {
    const g = gate();
    server.use(
      http.get(`${API}/api/v1/artifacts/installers`, async () => {
        await g.wait;
        return HttpResponse.json(page([artifact()]));
      }),
    );
    renderApp({ route: '/artifacts' });
    expect(await screen.findByText('Loading installers…')).toBeTruthy();
    g.open();
    const table = await screen.findByRole('table', { name: 'Installers' });
    const cells = within(within(table).getAllByRole('row')[1]!).getAllByRole('cell');
    expect(cells.slice(0, 5).map((c) => c.textContent)).toEqual([
      'Windows',
      '1.4.2',
      'botmox-setup.exe',
      '5.0 MiB',
      'Ready',
    ]);
  });

  it('shows empty and error states', async () => {
    let fail = false;
    server.use(
      http.get(`${API}/api/v1/artifacts/installers`, () =>
        fail
          ? HttpResponse.json(problem(500, 'Internal Server Error'), { status: 500 })
          : HttpResponse.json(page([])),
      ),
    );
    const { unmount } = renderApp({ route: '/artifacts' });
    expect(await screen.findByText('No installers uploaded yet.')).toBeTruthy();
    unmount();
    fail = true;
    renderApp({ route: '/artifacts' });
    expect((await screen.findByRole('alert')).textContent).toContain('Could not load installers');
  });

  it('uploads straight to the presigned URL with a progress bar, then completes and lists it', async () => {
    let listed: Artifact[] = [];
    const requests: unknown[] = [];
    const completed: string[] = [];
    const pending = artifact({
      id: 'art_new',
      version: '2.0.0',
      file_name: 'agent.deb',
      size_bytes: 1000,
      content_type: 'application/vnd.debian.binary-package',
      status: 'pending',
      uploaded_at: null,
      platform: 'linux',
    });
    server.use(
      http.get(`${API}/api/v1/artifacts/installers`, () => HttpResponse.json(page(listed))),
      http.post(`${API}/api/v1/artifacts/installers`, async ({ request }) => {
        requests.push(await request.json());
        const ticket: ArtifactUploadTicket = {
          artifact: pending,
          upload: {
            url: 'https://s3.example.test/botmox-artifacts/artifacts/installers/linux/2.0.0/agent.deb?X-Amz-Signature=abc',
            method: 'PUT',
            headers: { 'content-type': 'application/vnd.debian.binary-package' },
            expires_at: '2026-11-02T10:00:00.000Z',
          },
        };
        return HttpResponse.json(ticket, { status: 201 });
      }),
      http.post(`${API}/api/v1/artifacts/installers/art_new/complete`, () => {
        completed.push('art_new');
        listed = [{ ...pending, status: 'ready', uploaded_at: '2026-11-02T09:30:00.000Z' }];
        return HttpResponse.json(listed[0]);
      }),
    );
    const manual = manualUpload();
    const { user } = renderApp({ route: '/artifacts', upload: manual.upload });
    await screen.findByText('No installers uploaded yet.');
    await user.selectOptions(screen.getByLabelText('Platform'), 'linux');
    await user.type(screen.getByLabelText('Version'), '2.0.0');
    const file = new File([new Uint8Array(1000)], 'agent.deb', {
      type: 'application/vnd.debian.binary-package',
    });
    await user.upload(screen.getByLabelText('File'), file);
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    await waitFor(() => expect(manual.calls).toHaveLength(1));
    expect(ArtifactUploadCreate.parse(requests[0])).toEqual({
      platform: 'linux',
      version: '2.0.0',
      file_name: 'agent.deb',
      size_bytes: 1000,
      content_type: 'application/vnd.debian.binary-package',
    });
    expect(manual.calls[0]!.url).toContain('https://s3.example.test/botmox-artifacts/');
    expect(manual.calls[0]!.headers).toEqual({
      'content-type': 'application/vnd.debian.binary-package',
    });
    expect(manual.calls[0]!.file).toBe(screen.getByLabelText<HTMLInputElement>('File').files?.[0]);

    manual.progress(250);
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('value')).toBe('25');
    expect(screen.getByText(/Uploading… 25%/)).toBeTruthy();
    manual.progress(800);
    expect(screen.getByRole('progressbar').getAttribute('value')).toBe('80');
    expect(completed).toEqual([]);

    manual.finish();
    expect(await screen.findByText('Uploaded agent.deb.')).toBeTruthy();
    expect(completed).toEqual(['art_new']);
    const table = await screen.findByRole('table', { name: 'Installers' });
    expect(within(table).getByText('agent.deb')).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('validates before asking for a presigned URL, and shows API field errors', async () => {
    const posts: unknown[] = [];
    server.use(
      http.get(`${API}/api/v1/artifacts/installers`, () => HttpResponse.json(page([]))),
      http.post(`${API}/api/v1/artifacts/installers`, async ({ request }) => {
        posts.push(await request.json());
        return HttpResponse.json(
          validationProblem([{ field: 'body.version', message: 'version 1.0.0 already exists' }]),
          { status: 400 },
        );
      }),
    );
    const manual = manualUpload();
    const { user } = renderApp({ route: '/artifacts', upload: manual.upload });
    await screen.findByText('No installers uploaded yet.');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(screen.getByText('Choose a file to upload.')).toBeTruthy();
    await user.upload(screen.getByLabelText('File'), new File(['x'], 'setup.exe'));
    await user.type(screen.getByLabelText('Version'), 'bad version!');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(screen.getByText(/^must be a version like 1\.4\.2/)).toBeTruthy();
    expect(posts).toHaveLength(0);

    await user.clear(screen.getByLabelText('Version'));
    await user.type(screen.getByLabelText('Version'), '1.0.0');
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    expect(await screen.findByText('version 1.0.0 already exists')).toBeTruthy();
    expect(manual.upload).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Version') as HTMLInputElement).value).toBe('1.0.0');
  });

  it('downloads through a presigned GET URL', async () => {
    server.use(
      http.get(`${API}/api/v1/artifacts/installers`, () => HttpResponse.json(page([artifact()]))),
      http.get(`${API}/api/v1/artifacts/installers/art_1/download`, () =>
        HttpResponse.json({
          url: 'https://s3.example.test/botmox-artifacts/x?X-Amz-Signature=def',
          method: 'GET',
          expires_at: '2026-11-02T10:00:00.000Z',
          file_name: 'botmox-setup.exe',
        }),
      ),
    );
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push({ href: this.href, download: this.download });
    });
    const { user } = renderApp({ route: '/artifacts' });
    await user.click(await screen.findByRole('button', { name: 'Download botmox-setup.exe' }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]).toEqual({
      href: 'https://s3.example.test/botmox-artifacts/x?X-Amz-Signature=def',
      download: 'botmox-setup.exe',
    });
  });
});
