import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { health, problem, ready } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

describe('System status page', () => {
  it('shows loading while health is fetched, then the data', async () => {
    const g = gate();
    server.use(
      http.get(`${API}/api/v1/health`, async () => {
        await g.wait;
        return HttpResponse.json(health({ version: '3.1.0' }));
      }),
      http.get(`${API}/api/v1/health/ready`, async () => {
        await g.wait;
        return HttpResponse.json(ready());
      }),
    );
    renderApp({ route: '/system' });
    expect(await screen.findByText('Loading backend health…')).toBeTruthy();
    expect(screen.getByText('Loading ready checks…')).toBeTruthy();
    g.open();
    expect(await screen.findByText('3.1.0')).toBeTruthy();
    expect(screen.queryByText('Loading backend health…')).toBeNull();
  });

  it('shows versions, image tag and every ready check', async () => {
    server.use(
      http.get(`${API}/api/v1/health`, () =>
        HttpResponse.json(
          health({ version: '1.4.2', image_tag: 'sha-9f8e7d6', uptime_seconds: 90061 }),
        ),
      ),
      http.get(`${API}/api/v1/health/ready`, () => HttpResponse.json(ready())),
    );
    renderApp({ route: '/system' });
    expect(await screen.findByText('1.4.2')).toBeTruthy();
    expect(screen.getByText('sha-9f8e7d6')).toBeTruthy();
    expect(screen.getByText('1d 1h 1m 1s')).toBeTruthy();
    expect(screen.getByText('sha-test123')).toBeTruthy(); // frontend image tag from runtime config
    const checks = await screen.findByRole('list', { name: 'Ready checks' });
    expect(
      within(checks)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['OKdatabase', 'OKmigrations', 'OKartifacts_bucket']);
  });

  it('reads the 503 body of a failing ready check and names the failing check', async () => {
    server.use(
      http.get(`${API}/api/v1/health`, () =>
        HttpResponse.json(health({ status: 'degraded', s3_ready: false })),
      ),
      http.get(`${API}/api/v1/health/ready`, () =>
        HttpResponse.json(
          ready({
            status: 'not_ready',
            checks: {
              database: { ok: true },
              artifacts_bucket: { ok: false, detail: 'bucket not reachable' },
            },
          }),
          { status: 503 },
        ),
      ),
    );
    renderApp({ route: '/system' });
    expect(await screen.findByText('bucket not reachable')).toBeTruthy();
    expect(screen.getByText(/Overall/).textContent).toBe('Overall: not ready');
    const checks = screen.getByRole('list', { name: 'Ready checks' });
    expect(
      within(checks)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['OKdatabase', 'FAILartifacts_bucketbucket not reachable']);
  });

  it('shows an error with retry when the backend is down, then recovers', async () => {
    let healthy = false;
    server.use(
      http.get(`${API}/api/v1/health`, () =>
        healthy
          ? HttpResponse.json(health({ version: '2.0.0' }))
          : HttpResponse.json(problem(502, 'Bad Gateway'), { status: 502 }),
      ),
      http.get(`${API}/api/v1/health/ready`, () => HttpResponse.json(ready({ checks: {} }))),
    );
    const { user } = renderApp({ route: '/system' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Backend health unavailable');
    expect(alert.textContent).toContain('Bad Gateway');
    expect(await screen.findByText('The backend reported no checks.')).toBeTruthy();
    healthy = true;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('2.0.0')).toBeTruthy();
  });
});

describe('System status page: backups', () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
  const showHealth = (o: Parameters<typeof health>[0]) =>
    server.use(
      http.get(`${API}/api/v1/health`, () => HttpResponse.json(health(o))),
      http.get(`${API}/api/v1/health/ready`, () => HttpResponse.json(ready())),
    );
  const panel = async () => {
    const title = await screen.findByRole('heading', { name: 'Backups' });
    return within(title.closest('section')!);
  };

  it('shows the last backup and drill, and no alert while both are good and on time', async () => {
    showHealth({
      last_backup_at: hoursAgo(5),
      last_good_backup_at: hoursAgo(5),
      last_restore_drill_at: hoursAgo(50),
    });
    renderApp({ route: '/system' });
    const backups = await panel();
    expect(await backups.findAllByText('5 h ago')).toHaveLength(2);
    expect(backups.getByText('2 days ago')).toBeTruthy();
    expect(backups.getAllByText('OK')).toHaveLength(3);
    expect(backups.queryByRole('alert')).toBeNull();
  });

  it('turns red when the last good backup is older than the schedule allows', async () => {
    showHealth({
      last_backup_at: hoursAgo(30),
      last_good_backup_at: hoursAgo(30),
      backup_max_age_seconds: 25 * 3600,
    });
    renderApp({ route: '/system' });
    const alert = await (await panel()).findByRole('alert', { name: 'Backup problems' });
    expect(alert.textContent).toBe(
      'The last successful backup is 30 h old; the schedule allows 25 h.',
    );
  });

  it('turns red, in words, when the last backup or the last restore drill failed', async () => {
    showHealth({
      last_backup_at: hoursAgo(1),
      last_backup_ok: false,
      last_good_backup_at: hoursAgo(20),
      last_restore_drill_ok: false,
    });
    renderApp({ route: '/system' });
    const backups = await panel();
    const alert = await backups.findByRole('alert', { name: 'Backup problems' });
    expect(alert.textContent).toContain('The last backup failed (60 min ago).');
    expect(alert.textContent).toContain(
      'The last restore drill failed: the backups may not restore.',
    );
    expect(backups.getAllByText('FAILED')).toHaveLength(2);
  });

  it('turns red when no backup has ever succeeded', async () => {
    showHealth({
      last_backup_at: null,
      last_backup_ok: null,
      last_good_backup_at: null,
      last_restore_drill_at: null,
      last_restore_drill_ok: null,
    });
    renderApp({ route: '/system' });
    const backups = await panel();
    const alert = await backups.findByRole('alert', { name: 'Backup problems' });
    expect(alert.textContent).toBe('No successful backup has been recorded.');
    expect(backups.getAllByText('never')).toHaveLength(3);
  });
});
