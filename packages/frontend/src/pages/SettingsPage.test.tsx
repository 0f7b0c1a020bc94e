import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { problem, settingsSection, validationProblem } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, gate, server } from '../test/server';

const general = settingsSection({
  section: 'general',
  data: { currency: 'EUR', timezone: 'Europe/Berlin', language: 'ru' },
  updated_at: '2026-11-01T08:00:00.000Z',
});

describe('Settings page', () => {
  it('shows loading, then the stored values', async () => {
    const g = gate();
    server.use(
      http.get(`${API}/api/v1/settings`, async () => {
        await g.wait;
        return HttpResponse.json({ items: [general] });
      }),
    );
    renderApp({ route: '/settings' });
    expect(await screen.findByText('Loading settings…')).toBeTruthy();
    g.open();
    const form = await screen.findByRole('form', { name: 'General settings' });
    expect((within(form).getByLabelText('Currency') as HTMLInputElement).value).toBe('EUR');
    expect((within(form).getByLabelText('Language') as HTMLInputElement).value).toBe('ru');
    // Sections never saved show defaults and say so.
    expect(screen.getAllByText(/Not saved yet: showing defaults/)).toHaveLength(2);
  });

  it('shows an error state', async () => {
    server.use(
      http.get(`${API}/api/v1/settings`, () =>
        HttpResponse.json(problem(500, 'Internal Server Error'), { status: 500 }),
      ),
    );
    renderApp({ route: '/settings' });
    expect((await screen.findByRole('alert')).textContent).toContain('Could not load settings');
  });

  it('saves a section; a 400 on body.data.<field> lands on that field and the input stays', async () => {
    const puts: unknown[] = [];
    server.use(
      http.get(`${API}/api/v1/settings`, () => HttpResponse.json({ items: [] })),
      http.put(`${API}/api/v1/settings/farm`, async ({ request }) => {
        const body = (await request.json()) as {
          data: { max_bots_per_vm: number; default_project: string };
        };
        puts.push(body);
        if (puts.length === 1) {
          return HttpResponse.json(
            validationProblem([{ field: 'body.data.default_project', message: 'unknown project' }]),
            { status: 400 },
          );
        }
        return HttpResponse.json(
          settingsSection({
            section: 'farm',
            data: body.data,
            updated_at: '2026-11-02T10:00:00.000Z',
          }),
        );
      }),
    );
    const { user } = renderApp({ route: '/settings' });
    const form = await screen.findByRole('form', { name: 'Farm settings' });
    await user.clear(within(form).getByLabelText('Max bots per VM'));
    await user.type(within(form).getByLabelText('Max bots per VM'), '6');
    await user.type(within(form).getByLabelText('Default project'), 'lineage2');
    await user.click(within(form).getByRole('button', { name: 'Save farm' }));
    expect(await within(form).findByText('unknown project')).toBeTruthy();
    expect(within(form).getByLabelText('Default project').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect((within(form).getByLabelText('Default project') as HTMLInputElement).value).toBe(
      'lineage2',
    );
    expect(puts[0]).toEqual({ data: { max_bots_per_vm: 6, default_project: 'lineage2' } });

    await user.click(within(form).getByRole('button', { name: 'Save farm' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(puts).toHaveLength(2);
  });

  it('validates against the section schema before sending', async () => {
    let puts = 0;
    server.use(
      http.get(`${API}/api/v1/settings`, () => HttpResponse.json({ items: [general] })),
      http.put(`${API}/api/v1/settings/general`, () => {
        puts += 1;
        return HttpResponse.json(general);
      }),
    );
    const { user } = renderApp({ route: '/settings' });
    const form = await screen.findByRole('form', { name: 'General settings' });
    await user.clear(within(form).getByLabelText('Currency'));
    await user.type(within(form).getByLabelText('Currency'), 'euro');
    await user.click(within(form).getByRole('button', { name: 'Save general' }));
    expect(within(form).getByText('must be an ISO 4217 code like "EUR"')).toBeTruthy();
    expect(puts).toBe(0);
  });
});
