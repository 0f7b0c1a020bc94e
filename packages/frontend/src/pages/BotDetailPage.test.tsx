import { act, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { bot, botPage, problem } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, server } from '../test/server';

describe('Bot page', () => {
  it('shows one bot by its id', async () => {
    const b = bot({
      name: 'Farm-9',
      project: 'wow_tbc',
      status: 'idle',
      vm_name: 'vm-9',
      tags: ['eu', 'night'],
      character: { name: 'Thrall', level: 42, server: 'Firemaw', faction: 'horde' },
    });
    server.use(http.get(`${API}/api/v1/bots/${b.id}`, () => HttpResponse.json(b)));
    renderApp({ route: `/bots/${b.id}` });
    expect(await screen.findByRole('heading', { level: 1, name: 'Farm-9' })).toBeTruthy();
    const facts = screen.getByRole('region', { name: 'Bot details' });
    const value = (term: string) => within(facts).getByText(term).nextElementSibling?.textContent;
    expect(value('Status')).toBe('Idle');
    expect(value('Project')).toBe('wow_tbc');
    expect(value('VM')).toBe('vm-9');
    expect(value('Character')).toBe('Thrall (42) · Firemaw');
    expect(value('Tags')).toBe('eu, night');
    expect(value('Id')).toBe(b.id);
    expect(within(facts).getByRole('link', { name: 'wow_tbc' }).getAttribute('href')).toBe(
      '/bots?project=wow_tbc',
    );
  });

  it('says so when the bot does not exist', async () => {
    server.use(
      http.get(`${API}/api/v1/bots/gone`, () =>
        HttpResponse.json(problem(404, 'Not Found', 'No bot with this id.'), { status: 404 }),
      ),
    );
    renderApp({ route: '/bots/gone' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load this bot');
    expect(alert.textContent).toContain('No bot with this id.');
  });

  it('shows a live status change', async () => {
    const b = bot({ name: 'Live-1', status: 'running' });
    server.use(http.get(`${API}/api/v1/bots/${b.id}`, () => HttpResponse.json(b)));
    renderApp({ route: `/bots/${b.id}` });
    const facts = await screen.findByRole('region', { name: 'Bot details' });
    expect(within(facts).getByText('Running')).toBeTruthy();
    act(() => FakeWebSocket.last.serverOpen());
    act(() =>
      FakeWebSocket.last.serverSend({
        type: 'bot.changed',
        op: 'update',
        id: b.id,
        status: 'banned',
        previous_status: 'running',
        at: '2026-11-02T10:00:00.000Z',
      }),
    );
    expect(await within(facts).findByText('Banned')).toBeTruthy();
  });

  it('is linked from the bots table', async () => {
    const b = bot({ name: 'Linked' });
    server.use(http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage([b]))));
    renderApp({ route: '/bots' });
    const table = await screen.findByRole('table', { name: 'Bots' });
    expect(within(table).getByRole('link', { name: 'Linked' }).getAttribute('href')).toBe(
      `/bots/${b.id}`,
    );
  });
});
