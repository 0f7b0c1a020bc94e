import { act, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FakeWebSocket } from '../test/FakeWebSocket';
import {
  botStats,
  financeSummary,
  license,
  page,
  problem,
  proxy,
  subscription,
  task,
} from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

function emptyHandlers() {
  return [
    http.get(`${API}/api/v1/bots/stats`, () => HttpResponse.json(botStats())),
    http.get(`${API}/api/v1/finance/summary`, () => HttpResponse.json(financeSummary())),
    http.get(`${API}/api/v1/resources/licenses`, () => HttpResponse.json(page([]))),
    http.get(`${API}/api/v1/resources/proxies`, () => HttpResponse.json(page([]))),
    http.get(`${API}/api/v1/resources/subscriptions`, () => HttpResponse.json(page([]))),
    http.get(`${API}/api/v1/workspace/tasks`, () => HttpResponse.json(page([]))),
  ];
}

describe('Dashboard', () => {
  it('shows loading, then bots by status, this month per currency, expiring resources and tasks due', async () => {
    const g = gate();
    const queries: Record<string, URLSearchParams> = {};
    let listed = 0;
    server.use(
      http.get(`${API}/api/v1/bots/stats`, async () => {
        await g.wait;
        // More bots than the old in-browser count could page through (it stopped at 2,000).
        return HttpResponse.json(
          botStats({
            wow_tbc: { running: 30_000, banned: 1 },
            lineage2: { running: 10_000, idle: 2 },
          }),
        );
      }),
      http.get(`${API}/api/v1/bots`, () => {
        listed += 1;
        return HttpResponse.json(page([]));
      }),
      http.get(`${API}/api/v1/finance/summary`, ({ request }) => {
        queries.summary = new URL(request.url).searchParams;
        return HttpResponse.json(
          financeSummary({
            by_currency: [
              {
                currency: 'USD',
                income: '500.00',
                expense: '120.50',
                net: '379.50',
                operations: 4,
              },
            ],
          }),
        );
      }),
      http.get(`${API}/api/v1/resources/licenses`, ({ request }) => {
        queries.licenses = new URL(request.url).searchParams;
        return HttpResponse.json(
          page([license({ key: 'LIC-SOON', expires_at: '2026-11-05T00:00:00.000Z' })]),
        );
      }),
      http.get(`${API}/api/v1/resources/proxies`, () =>
        HttpResponse.json(
          page([proxy({ ip: '203.0.113.1', port: 1080, expires_at: '2026-11-04T00:00:00.000Z' })]),
        ),
      ),
      http.get(`${API}/api/v1/resources/subscriptions`, () =>
        HttpResponse.json(
          page([subscription({ name: 'Game time', renews_at: '2026-11-06T00:00:00.000Z' })]),
        ),
      ),
      http.get(`${API}/api/v1/workspace/tasks`, () =>
        HttpResponse.json(
          page([task({ title: 'Open task' }), task({ title: 'Closed task', status: 'done' })]),
        ),
      ),
      // server.use prepends and the first match wins: the specific handlers above come first.
      ...emptyHandlers(),
    );
    renderApp({ route: '/' });
    expect(await screen.findByText('Loading bots…')).toBeTruthy();
    g.open();
    const perStatus = await screen.findByRole('list', { name: 'Bots per status' });
    const counts = Object.fromEntries(
      within(perStatus)
        .getAllByRole('listitem')
        .map((li) => [
          li.querySelector('.badge')?.textContent,
          li.querySelector('strong')?.textContent,
        ]),
    );
    const n = (v: number) => new Intl.NumberFormat().format(v);
    expect(counts).toEqual({
      Prepare: '0',
      Running: n(40_000),
      Idle: '2',
      Stopped: '0',
      Error: '0',
      Banned: '1',
    });
    expect(screen.getByText(`${n(40_003)} bots`)).toBeTruthy();
    const perProject = screen.getByRole('list', { name: 'Bots per project' });
    expect(
      within(perProject)
        .getAllByRole('listitem')
        .map((li) => [
          li.querySelector('a')?.getAttribute('href'),
          li.querySelector('strong')?.textContent,
        ]),
    ).toEqual([
      ['/bots?project=wow_tbc', n(30_001)],
      ['/bots?project=lineage2', n(10_002)],
    ]);
    // Counting is the server's job: the dashboard never pages through the bots list.
    expect(listed).toBe(0);

    const month = await screen.findByRole('list', { name: 'This month per currency' });
    expect(within(month).getByText('+500.00 USD')).toBeTruthy();
    expect(within(month).getByText('−120.50 USD')).toBeTruthy();
    const from = new Date(queries.summary!.get('from')!);
    const to = new Date(queries.summary!.get('to')!);
    expect(from.getUTCDate()).toBe(1);
    expect(to.getUTCDate()).toBe(1);
    expect((to.getUTCMonth() - from.getUTCMonth() + 12) % 12).toBe(1);

    const expiring = await screen.findByRole('list', { name: 'Expiring resources' });
    expect(
      within(expiring)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['203.0.113.1:1080', 'LIC-SOON', 'Game time']);
    const window =
      Date.parse(queries.licenses!.get('expires_to')!) -
      Date.parse(queries.licenses!.get('expires_from')!);
    expect(window).toBe(7 * 86_400_000);

    const due = await screen.findByRole('list', { name: 'Open tasks due' });
    expect(
      within(due)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Open task']);
  });

  it('shows the empty state of every card', async () => {
    server.use(...emptyHandlers());
    renderApp({ route: '/' });
    expect(await screen.findByText('No bots yet.')).toBeTruthy();
    expect(await screen.findByText('No operations this month.')).toBeTruthy();
    expect(await screen.findByText('Nothing expires in the next 7 days.')).toBeTruthy();
    expect(await screen.findByText('No open tasks due in the next 7 days.')).toBeTruthy();
  });

  it('shows an error in the card whose data failed, and the others still load', async () => {
    server.use(
      http.get(`${API}/api/v1/resources/proxies`, () =>
        HttpResponse.json(problem(500, 'Internal Server Error'), { status: 500 }),
      ),
      ...emptyHandlers(),
    );
    renderApp({ route: '/' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load resources');
    expect(await screen.findByText('No bots yet.')).toBeTruthy();
  });

  it('refetches the counts when a bot changes status live', async () => {
    let stats = botStats({ wow_tbc: { running: 1 } });
    let served = 0;
    server.use(
      http.get(`${API}/api/v1/bots/stats`, () => {
        served += 1;
        return HttpResponse.json(stats);
      }),
      ...emptyHandlers(),
    );
    renderApp({ route: '/' });
    const perStatus = await screen.findByRole('list', { name: 'Bots per status' });
    const countOf = (label: string) =>
      within(perStatus).getByText(label).closest('li')?.querySelector('strong')?.textContent;
    expect(countOf('Running')).toBe('1');
    expect(served).toBe(1);
    stats = botStats({ wow_tbc: { stopped: 1 } });
    act(() => FakeWebSocket.last.serverOpen());
    act(() =>
      FakeWebSocket.last.serverSend({
        type: 'bot.changed',
        op: 'update',
        id: 'bot_dash',
        status: 'stopped',
        previous_status: 'running',
        at: '2026-11-02T10:00:00.000Z',
      }),
    );
    await screen.findByText(
      (_, el) => el?.tagName === 'STRONG' && el.closest('li')?.textContent === 'Stopped1',
    );
    expect(countOf('Running')).toBe('0');
    expect(served).toBe(2);
  });
});
