import { act, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { bot, financeSummary, operation, page, problem } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

const summaryWithData = financeSummary({
  by_currency: [
    { currency: 'USD', income: '300.00', expense: '120.00', net: '180.00', operations: 3 },
    { currency: 'EUR', income: '0.00', expense: '40.00', net: '-40.00', operations: 1 },
  ],
  by_month: [
    {
      currency: 'USD',
      month: '2026-10',
      income: '100.00',
      expense: '100.00',
      net: '0.00',
      operations: 2,
    },
    {
      currency: 'USD',
      month: '2026-11',
      income: '200.00',
      expense: '20.00',
      net: '180.00',
      operations: 1,
    },
    {
      currency: 'EUR',
      month: '2026-11',
      income: '0.00',
      expense: '40.00',
      net: '-40.00',
      operations: 1,
    },
  ],
  by_category: [
    {
      currency: 'USD',
      category: 'gold_sale',
      income: '300.00',
      expense: '0.00',
      net: '300.00',
      operations: 2,
    },
    {
      currency: 'USD',
      category: 'proxy',
      income: '0.00',
      expense: '120.00',
      net: '-120.00',
      operations: 1,
    },
  ],
});

describe('Finance page', () => {
  it('shows loading, then operations and the summary chart by month and by category', async () => {
    const g = gate();
    server.use(
      http.get(`${API}/api/v1/finance/operations`, async () => {
        await g.wait;
        return HttpResponse.json(
          page([
            operation({ type: 'expense', category: 'proxy', amount: '20.00', comment: 'monthly' }),
          ]),
        );
      }),
      http.get(`${API}/api/v1/finance/summary`, async () => {
        await g.wait;
        return HttpResponse.json(summaryWithData);
      }),
    );
    const { user } = renderApp({ route: '/finance' });
    expect(await screen.findByText('Loading operations…')).toBeTruthy();
    expect(screen.getByText('Loading summary…')).toBeTruthy();
    g.open();
    const table = await screen.findByRole('table', { name: 'Operations' });
    const cells = within(within(table).getAllByRole('row')[1]!).getAllByRole('cell');
    expect(cells[3]?.textContent).toBe('−20.00 USD');
    expect(cells[5]?.textContent).toBe('monthly');

    const chart = await screen.findByRole('table', { name: 'Income and expense by month, USD' });
    const bars = within(chart).getAllByRole('row').slice(1);
    expect(bars).toHaveLength(2);
    expect(bars[1]?.querySelector('.bar-income')?.getAttribute('style')).toContain('width: 100%');
    expect(bars[1]?.querySelector('.bar-expense')?.getAttribute('style')).toContain('width: 10%');

    await user.selectOptions(screen.getByLabelText('Group by'), 'category');
    const byCategory = screen.getByRole('table', { name: 'Income and expense by category, USD' });
    expect(
      within(byCategory)
        .getAllByRole('rowheader')
        .map((r) => r.textContent),
    ).toEqual(['Gold sale', 'Proxy']);

    await user.selectOptions(screen.getByLabelText('Chart currency'), 'EUR');
    expect(screen.getByRole('table', { name: 'Income and expense by category, EUR' })).toBeTruthy();
  });

  it('names the bot of an operation and links to it; a bot that is gone is shown by its id', async () => {
    const named = bot({ id: '7f3c2a10-0000-4000-8000-000000000001', name: 'Grinder-07' });
    server.use(
      http.get(`${API}/api/v1/finance/operations`, () =>
        HttpResponse.json(
          page([
            operation({ bot_id: named.id, bot_name: named.name, comment: 'named' }),
            operation({
              bot_id: '9e8d7c6b-0000-4000-8000-000000000002',
              bot_name: null,
              comment: 'gone',
            }),
            operation({ comment: 'none' }),
          ]),
        ),
      ),
      http.get(`${API}/api/v1/finance/summary`, () => HttpResponse.json(financeSummary())),
      http.get(`${API}/api/v1/bots/${named.id}`, () => HttpResponse.json(named)),
    );
    const { user } = renderApp({ route: '/finance' });
    const table = await screen.findByRole('table', { name: 'Operations' });
    const botCell = (comment: string) =>
      within(within(table).getByText(comment).closest('tr')!).getAllByRole('cell')[4]!;
    expect(botCell('named').textContent).toBe('Grinder-07');
    expect(botCell('named').textContent).not.toContain(named.id);
    expect(botCell('gone').textContent).toBe('deleted bot 9e8d7c6b');
    expect(within(botCell('gone')).queryByRole('link')).toBeNull();
    expect(botCell('none').textContent).toBe('—');

    await user.click(within(botCell('named')).getByRole('link', { name: 'Grinder-07' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Grinder-07' })).toBeTruthy();
  });

  it('sends the filters to both the list and the summary', async () => {
    const listQueries: URLSearchParams[] = [];
    const summaryQueries: URLSearchParams[] = [];
    server.use(
      http.get(`${API}/api/v1/finance/operations`, ({ request }) => {
        listQueries.push(new URL(request.url).searchParams);
        return HttpResponse.json(page([]));
      }),
      http.get(`${API}/api/v1/finance/summary`, ({ request }) => {
        summaryQueries.push(new URL(request.url).searchParams);
        return HttpResponse.json(financeSummary());
      }),
    );
    const { user } = renderApp({ route: '/finance' });
    expect(await screen.findByText('No operations yet.')).toBeTruthy();
    expect(screen.getByText('No operations in this selection.')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Type'), 'income');
    await user.type(screen.getByLabelText('Currency'), 'usd');
    await waitFor(() => expect(listQueries.at(-1)?.get('currency')).toBe('USD'));
    expect(listQueries.at(-1)?.get('type')).toBe('income');
    expect(summaryQueries.at(-1)?.get('type')).toBe('income');
    expect(summaryQueries.at(-1)?.get('currency')).toBe('USD');
    expect(await screen.findByText('No operations match these filters.')).toBeTruthy();
  });

  it('shows an error when operations cannot be loaded', async () => {
    server.use(
      http.get(`${API}/api/v1/finance/operations`, () =>
        HttpResponse.json(problem(500, 'Internal Server Error'), { status: 500 }),
      ),
      http.get(`${API}/api/v1/finance/summary`, () =>
        HttpResponse.json(problem(500, 'Internal Server Error'), { status: 500 }),
      ),
    );
    renderApp({ route: '/finance' });
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    expect(screen.getAllByRole('alert').map((a) => a.querySelector('strong')?.textContent)).toEqual(
      ['Could not load the summary', 'Could not load operations'],
    );
  });

  it('refetches when the WebSocket reports a new operation', async () => {
    let ops = [operation({ amount: '10.00' })];
    server.use(
      http.get(`${API}/api/v1/finance/operations`, () => HttpResponse.json(page(ops))),
      http.get(`${API}/api/v1/finance/summary`, () => HttpResponse.json(financeSummary())),
    );
    renderApp({ route: '/finance' });
    const table = await screen.findByRole('table', { name: 'Operations' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    ops = [...ops, operation({ amount: '99.99', comment: 'pushed' })];
    act(() => FakeWebSocket.last.serverOpen());
    act(() =>
      FakeWebSocket.last.serverSend({
        type: 'finance.operation_created',
        id: ops[1]!.id,
        operation_type: 'income',
        amount: '99.99',
        currency: 'USD',
        bot_id: null,
        at: '2026-11-02T10:00:00.000Z',
      }),
    );
    expect(await within(table).findByText('pushed')).toBeTruthy();
  });
});
