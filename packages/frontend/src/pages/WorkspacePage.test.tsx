import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { calendarEvent, note, page, problem, task } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

describe('Workspace page', () => {
  it('shows loading, then the task board in three columns', async () => {
    const g = gate();
    server.use(
      http.get(`${API}/api/v1/workspace/tasks`, async () => {
        await g.wait;
        return HttpResponse.json(
          page([
            task({ title: 'Renew proxies' }),
            task({ title: 'Level alts', status: 'in_progress' }),
            task({ title: 'Buy licenses', status: 'done' }),
          ]),
        );
      }),
    );
    renderApp({ route: '/workspace' });
    expect(await screen.findByText('Loading tasks…')).toBeTruthy();
    g.open();
    const todo = await screen.findByRole('region', { name: 'To do' });
    expect(within(todo).getByText('Renew proxies')).toBeTruthy();
    expect(
      within(screen.getByRole('region', { name: 'In progress' })).getByText('Level alts'),
    ).toBeTruthy();
    expect(
      within(screen.getByRole('region', { name: 'Done' })).getByText('Buy licenses'),
    ).toBeTruthy();
  });

  it('moves a task to another column with a PATCH of its status', async () => {
    let tasks = [task({ id: 'task_move', title: 'Renew proxies' })];
    const patches: unknown[] = [];
    server.use(
      http.get(`${API}/api/v1/workspace/tasks`, () => HttpResponse.json(page(tasks))),
      http.patch(`${API}/api/v1/workspace/tasks/task_move`, async ({ request }) => {
        const body = (await request.json()) as { status: 'in_progress' };
        patches.push(body);
        tasks = [task({ ...tasks[0], status: body.status })];
        return HttpResponse.json(tasks[0]);
      }),
    );
    const { user } = renderApp({ route: '/workspace?tab=tasks' });
    await user.click(
      await screen.findByRole('button', { name: 'Move Renew proxies to In progress' }),
    );
    await waitFor(() =>
      expect(
        within(screen.getByRole('region', { name: 'In progress' })).queryByText('Renew proxies'),
      ).toBeTruthy(),
    );
    expect(patches).toEqual([{ status: 'in_progress' }]);
    expect(
      within(screen.getByRole('region', { name: 'To do' })).queryByText('Renew proxies'),
    ).toBeNull();
  });

  it('reports a failed move and leaves the task where it was', async () => {
    server.use(
      http.get(`${API}/api/v1/workspace/tasks`, () =>
        HttpResponse.json(page([task({ id: 'task_stuck', title: 'Stuck' })])),
      ),
      http.patch(`${API}/api/v1/workspace/tasks/task_stuck`, () =>
        HttpResponse.json(problem(503, 'Service unavailable', 'writes are frozen'), {
          status: 503,
        }),
      ),
    );
    const { user } = renderApp({ route: '/workspace' });
    await user.click(await screen.findByRole('button', { name: 'Move Stuck to Done' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Could not move “Stuck”: Service unavailable: writes are frozen',
    );
    expect(within(screen.getByRole('region', { name: 'To do' })).getByText('Stuck')).toBeTruthy();
  });

  it('shows notes, pinned first, and an empty notes state', async () => {
    let notes = [note({ title: 'Plain' }), note({ title: 'Important', pinned: true })];
    server.use(http.get(`${API}/api/v1/workspace/notes`, () => HttpResponse.json(page(notes))));
    const { unmount } = renderApp({ route: '/workspace?tab=notes' });
    const list = await screen.findByRole('list', { name: 'Notes list' });
    expect(
      within(list)
        .getAllByRole('heading')
        .map((h) => h.textContent),
    ).toEqual(['📌 Important', 'Plain']);
    unmount();
    notes = [];
    renderApp({ route: '/workspace?tab=notes' });
    expect(await screen.findByText('No notes yet.')).toBeTruthy();
  });

  it('creates a note with the contract body', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.get(`${API}/api/v1/workspace/notes`, () => HttpResponse.json(page([]))),
      http.post(`${API}/api/v1/workspace/notes`, async ({ request }) => {
        const body = (await request.json()) as { title: string };
        bodies.push(body);
        return HttpResponse.json(note({ title: body.title }), { status: 201 });
      }),
    );
    const { user } = renderApp({ route: '/workspace?tab=notes' });
    await user.click(await screen.findByRole('button', { name: 'New note' }));
    const dialog = screen.getByRole('dialog', { name: 'New note' });
    await user.type(within(dialog).getByLabelText('Title'), 'Shopping list');
    await user.type(within(dialog).getByLabelText('Content'), 'more proxies');
    await user.click(within(dialog).getByLabelText('Pinned'));
    await user.click(within(dialog).getByRole('button', { name: 'Create note' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bodies).toEqual([{ title: 'Shopping list', content: 'more proxies', pinned: true }]);
  });

  it('lists calendar events from today by date, and shows a calendar error', async () => {
    const froms: (string | null)[] = [];
    let fail = false;
    server.use(
      http.get(`${API}/api/v1/workspace/calendar`, ({ request }) => {
        froms.push(new URL(request.url).searchParams.get('from'));
        if (fail) return HttpResponse.json(problem(500, 'Internal Server Error'), { status: 500 });
        return HttpResponse.json(
          page([
            calendarEvent({ title: 'Patch day', date: '2026-11-10' }),
            calendarEvent({ title: 'Raid reset', date: '2026-11-10' }),
          ]),
        );
      }),
    );
    const { user, unmount } = renderApp({ route: '/workspace?tab=calendar' });
    const list = await screen.findByRole('list', { name: 'Calendar events' });
    expect(within(list).getByText('Patch day')).toBeTruthy();
    expect(within(list).getByText('Raid reset')).toBeTruthy();
    expect(froms[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await user.click(screen.getByLabelText('Include past events'));
    await waitFor(() => expect(froms.at(-1)).toBeNull());
    unmount();
    fail = true;
    renderApp({ route: '/workspace?tab=calendar' });
    expect((await screen.findByRole('alert')).textContent).toContain('Could not load the calendar');
  });
});
