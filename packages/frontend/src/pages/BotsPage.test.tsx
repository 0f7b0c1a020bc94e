import { BotCreate } from '@bot-mox/contracts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { bot, botPage, problem, validationProblem } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

const rows = () =>
  within(screen.getByRole('table', { name: 'Bots' }))
    .getAllByRole('row')
    .slice(1);

describe('Bots page', () => {
  it('shows loading, then the bots', async () => {
    const g = gate();
    server.use(
      http.get(`${API}/api/v1/bots`, async () => {
        await g.wait;
        return HttpResponse.json(
          botPage([
            bot({ name: 'Alpha' }),
            bot({ name: 'Beta', status: 'banned', character: null }),
          ]),
        );
      }),
    );
    renderApp({ route: '/bots' });
    expect(await screen.findByText('Loading bots…')).toBeTruthy();
    g.open();
    await screen.findByRole('table', { name: 'Bots' });
    expect(rows().map((r) => within(r).getAllByRole('cell')[0]?.textContent)).toEqual([
      'Alpha',
      'Beta',
    ]);
    expect(within(rows()[1]!).getByText('Banned')).toBeTruthy();
  });

  it('shows an empty state', async () => {
    server.use(http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage([]))));
    renderApp({ route: '/bots' });
    expect(await screen.findByText('No bots yet. Create the first one.')).toBeTruthy();
  });

  it('shows the problem title on error', async () => {
    server.use(
      http.get(`${API}/api/v1/bots`, () =>
        HttpResponse.json(problem(500, 'Internal Server Error', 'database unavailable'), {
          status: 500,
        }),
      ),
    );
    renderApp({ route: '/bots' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load bots');
    expect(alert.textContent).toContain('Internal Server Error: database unavailable');
  });

  it('sends the token, filters and sort to the API', async () => {
    const seen: URL[] = [];
    const auth: string[] = [];
    server.use(
      http.get(`${API}/api/v1/bots`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url);
        auth.push(request.headers.get('authorization') ?? '');
        const status = url.searchParams.get('status');
        return HttpResponse.json(botPage(status === 'error' ? [] : [bot({ name: 'Alpha' })]));
      }),
    );
    const { user } = renderApp({ route: '/bots' });
    await screen.findByRole('table', { name: 'Bots' });
    expect(auth[0]).toBe('Bearer test-access-token');
    expect(seen[0]?.searchParams.get('sort')).toBe('-created_at');

    await user.click(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(seen.at(-1)?.searchParams.get('sort')).toBe('name'));
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
    await user.click(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(seen.at(-1)?.searchParams.get('sort')).toBe('-name'));

    await user.selectOptions(screen.getByLabelText('Status'), 'error');
    await waitFor(() => expect(seen.at(-1)?.searchParams.get('status')).toBe('error'));
    expect(await screen.findByText('No bots match these filters.')).toBeTruthy();
  });

  it('flags an invalid project filter instead of sending it', async () => {
    const projects: (string | null)[] = [];
    server.use(
      http.get(`${API}/api/v1/bots`, ({ request }) => {
        projects.push(new URL(request.url).searchParams.get('project'));
        return HttpResponse.json(botPage([bot()]));
      }),
    );
    const { user } = renderApp({ route: '/bots' });
    await screen.findByRole('table', { name: 'Bots' });
    await user.type(screen.getByLabelText('Project'), 'Bad Slug');
    expect(await screen.findByText('Must be a slug like wow_tbc')).toBeTruthy();
    expect(projects.every((p) => p === null)).toBe(true);
  });

  it('creates a bot: validates locally, shows the API field errors of a 400, keeps the input, then saves', async () => {
    const bodies: unknown[] = [];
    let created = false;
    server.use(
      http.get(`${API}/api/v1/bots`, () =>
        HttpResponse.json(botPage(created ? [bot({ name: 'Gamma' })] : [])),
      ),
      http.post(`${API}/api/v1/bots`, async ({ request }) => {
        const body = await request.json();
        bodies.push(body);
        if (bodies.length === 1) {
          return HttpResponse.json(
            validationProblem([{ field: 'body.name', message: 'name is already taken' }]),
            {
              status: 400,
              headers: { 'content-type': 'application/problem+json' },
            },
          );
        }
        created = true;
        return HttpResponse.json(bot({ name: 'Gamma' }), { status: 201 });
      }),
    );
    const { user } = renderApp({ route: '/bots' });
    await screen.findByText('No bots yet. Create the first one.');
    await user.click(screen.getByRole('button', { name: 'New bot' }));
    const dialog = screen.getByRole('dialog', { name: 'New bot' });

    // Client-side validation against the contract: nothing is sent.
    await user.click(within(dialog).getByRole('button', { name: 'Create bot' }));
    expect(within(dialog).getByLabelText('Project').getAttribute('aria-invalid')).toBe('true');
    expect(bodies).toHaveLength(0);

    await user.type(within(dialog).getByLabelText('Name'), 'Gamma');
    await user.type(within(dialog).getByLabelText('Project'), 'wow_tbc');
    await user.type(within(dialog).getByLabelText('Tags'), 'farm, eu');
    await user.click(within(dialog).getByRole('button', { name: 'Create bot' }));

    const nameInput = within(dialog).getByLabelText('Name');
    await waitFor(() => expect(nameInput.getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByText('name is already taken')).toBeTruthy();
    expect(within(dialog).getByRole('alert').textContent).toContain('Validation failed');
    // Nothing typed is lost.
    expect((nameInput as HTMLInputElement).value).toBe('Gamma');
    expect((within(dialog).getByLabelText('Tags') as HTMLInputElement).value).toBe('farm, eu');
    expect(BotCreate.safeParse(bodies[0]).success).toBe(true);
    expect(bodies[0]).toMatchObject({
      name: 'Gamma',
      project: 'wow_tbc',
      tags: ['farm', 'eu'],
      status: 'prepare',
    });

    await user.click(within(dialog).getByRole('button', { name: 'Create bot' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText('Gamma')).toBeTruthy();
  });

  it('edits and deletes a bot', async () => {
    let bots = [bot({ id: 'bot_edit', name: 'Alpha', vm_name: 'vm-1' })];
    const patches: unknown[] = [];
    server.use(
      http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage(bots))),
      http.patch(`${API}/api/v1/bots/bot_edit`, async ({ request }) => {
        const body = (await request.json()) as { name: string };
        patches.push(body);
        bots = [bot({ ...bots[0], name: body.name })];
        return HttpResponse.json(bots[0]);
      }),
      http.delete(`${API}/api/v1/bots/bot_edit`, () => {
        bots = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderApp({ route: '/bots' });
    await user.click(await screen.findByRole('button', { name: 'Edit Alpha' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Alpha' });
    const name = within(dialog).getByLabelText('Name');
    expect(document.activeElement).toBe(name);
    await user.clear(name);
    await user.type(name, 'Alpha Prime');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Alpha Prime')).toBeTruthy();
    expect(patches[0]).toMatchObject({ name: 'Alpha Prime', vm_name: 'vm-1', project: 'wow_tbc' });

    await user.click(screen.getByRole('button', { name: 'Delete Alpha Prime' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Delete bot Alpha Prime?' })).getByRole('button', {
        name: 'Delete',
      }),
    );
    expect(await screen.findByText('No bots yet. Create the first one.')).toBeTruthy();
  });

  it('closes a dialog with Escape', async () => {
    server.use(http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage([]))));
    const { user } = renderApp({ route: '/bots' });
    await user.click(await screen.findByRole('button', { name: 'New bot' }));
    expect(screen.getByRole('dialog')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('updates a status live when the WebSocket pushes bot.changed', async () => {
    server.use(
      http.get(`${API}/api/v1/bots`, () =>
        HttpResponse.json(botPage([bot({ id: 'bot_live', name: 'Live', status: 'running' })])),
      ),
    );
    renderApp({ route: '/bots' });
    await screen.findByRole('table', { name: 'Bots' });
    const socket = FakeWebSocket.last;
    expect(new URL(socket.url).searchParams.get('access_token')).toBe('test-access-token');
    expect(socket.url.startsWith('ws://api.test/api/v1/ws')).toBe(true);
    act(() => socket.serverOpen());
    act(() => socket.serverSend({ type: 'hello', server_time: '2026-11-02T09:00:00.000Z' }));
    expect(within(rows()[0]!).getByText('Running')).toBeTruthy();
    act(() =>
      socket.serverSend({
        type: 'bot.changed',
        op: 'update',
        id: 'bot_live',
        status: 'error',
        previous_status: 'running',
        at: '2026-11-02T09:05:00.000Z',
      }),
    );
    expect(await within(rows()[0]!).findByText('Error')).toBeTruthy();
    expect(within(rows()[0]!).queryByText('Running')).toBeNull();
    expect(screen.getByText('Live', { selector: '.connection' }).getAttribute('role')).toBe(
      'status',
    );
  });
});
