import { ProxyCreate } from '@bot-mox/contracts';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { license, page, problem, proxy, subscription, validationProblem } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

describe('Resources page', () => {
  it('shows loading, then licenses', async () => {
    const g = gate();
    server.use(
      http.get(`${API}/api/v1/resources/licenses`, async () => {
        await g.wait;
        return HttpResponse.json(
          page([license({ key: 'LIC-1', status: 'expired', bot_ids: ['b1', 'b2'] })]),
        );
      }),
    );
    renderApp({ route: '/resources' });
    expect(await screen.findByText('Loading licenses…')).toBeTruthy();
    g.open();
    const table = await screen.findByRole('table', { name: 'Licenses' });
    const cells = within(within(table).getAllByRole('row')[1]!).getAllByRole('cell');
    expect(cells.slice(0, 3).map((c) => c.textContent)).toEqual(['LIC-1', 'Single', 'Expired']);
    expect(cells[4]?.textContent).toBe('2');
  });

  it('shows empty and error states per tab', async () => {
    server.use(
      http.get(`${API}/api/v1/resources/licenses`, () => HttpResponse.json(page([]))),
      http.get(`${API}/api/v1/resources/subscriptions`, () =>
        HttpResponse.json(problem(503, 'Service unavailable', 'writes are frozen'), {
          status: 503,
        }),
      ),
    );
    const { user } = renderApp({ route: '/resources' });
    expect(await screen.findByText('No licenses yet.')).toBeTruthy();
    await user.click(screen.getByRole('tab', { name: 'Subscriptions' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load subscriptions');
    expect(alert.textContent).toContain('writes are frozen');
  });

  it('moves between tabs with the arrow keys', async () => {
    server.use(
      http.get(`${API}/api/v1/resources/licenses`, () => HttpResponse.json(page([]))),
      http.get(`${API}/api/v1/resources/proxies`, () =>
        HttpResponse.json(page([proxy({ ip: '198.51.100.4', port: 3128 })])),
      ),
    );
    const { user } = renderApp({ route: '/resources' });
    await screen.findByText('No licenses yet.');
    screen.getByRole('tab', { name: 'Licenses' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Proxies' }).getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Proxies' }));
    expect(await screen.findByText('198.51.100.4:3128')).toBeTruthy();
  });

  it('creates a proxy: shows the 400 field errors next to the fields and keeps the input', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.get(`${API}/api/v1/resources/proxies`, () => HttpResponse.json(page([]))),
      http.post(`${API}/api/v1/resources/proxies`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(
          validationProblem([{ field: 'body.port', message: 'port is blocked by the provider' }]),
          { status: 400 },
        );
      }),
    );
    const { user } = renderApp({ route: '/resources?tab=proxies' });
    await user.click(await screen.findByRole('button', { name: 'New proxy' }));
    const dialog = screen.getByRole('dialog', { name: 'New proxy' });
    await user.type(within(dialog).getByLabelText('IP address'), '203.0.113.9');
    await user.type(within(dialog).getByLabelText('Port'), '70000');
    await user.type(within(dialog).getByLabelText('Provider'), 'proxyco');
    await user.click(within(dialog).getByRole('button', { name: 'Create proxy' }));
    // 70000 fails the contract locally: nothing is sent.
    expect(within(dialog).getByLabelText('Port').getAttribute('aria-invalid')).toBe('true');
    expect(bodies).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText('Port'));
    await user.type(within(dialog).getByLabelText('Port'), '25');
    await user.type(within(dialog).getByLabelText('Country'), 'de');
    await user.click(within(dialog).getByRole('button', { name: 'Create proxy' }));
    expect(await within(dialog).findByText('port is blocked by the provider')).toBeTruthy();
    expect(bodies).toHaveLength(1);
    expect(ProxyCreate.parse(bodies[0])).toMatchObject({
      ip: '203.0.113.9',
      port: 25,
      provider: 'proxyco',
      country: 'DE',
    });
    expect((within(dialog).getByLabelText('IP address') as HTMLInputElement).value).toBe(
      '203.0.113.9',
    );
    expect((within(dialog).getByLabelText('Port') as HTMLInputElement).value).toBe('25');
  });

  it('shows subscription prices as exact decimal strings', async () => {
    server.use(
      http.get(`${API}/api/v1/resources/subscriptions`, () =>
        HttpResponse.json(page([subscription({ name: 'VPN', price: '1234.5', currency: 'EUR' })])),
      ),
    );
    renderApp({ route: '/resources?tab=subscriptions' });
    const table = await screen.findByRole('table', { name: 'Subscriptions' });
    const cells = within(within(table).getAllByRole('row')[1]!).getAllByRole('cell');
    expect(cells[2]?.textContent).toBe('1\u202f234.50 EUR');
  });
});
