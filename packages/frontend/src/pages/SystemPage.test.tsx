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
