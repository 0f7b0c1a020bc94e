import { act, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { health, ready } from '../test/fixtures';
import { renderApp } from '../test/render';
import { API, server } from '../test/server';

describe('connection indicator', () => {
  it('shows live, then offline with a retry countdown when the socket drops, then live again', async () => {
    let healthRequests = 0;
    server.use(
      http.get(`${API}/api/v1/health`, () => {
        healthRequests += 1;
        return HttpResponse.json(health());
      }),
      http.get(`${API}/api/v1/health/ready`, () => HttpResponse.json(ready())),
    );
    renderApp({ route: '/system' });
    expect(await screen.findByText('Connecting…')).toBeTruthy();
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    act(() => FakeWebSocket.last.serverOpen());
    expect(screen.getByText('Live')).toBeTruthy();
    act(() => FakeWebSocket.last.serverClose(1006));
    expect(screen.getByText(/^Offline: reconnecting in \d+ s$/)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('You are offline');
    const dropped = FakeWebSocket.last;
    // The retry opens a new socket within the first backoff step (<= 1 s).
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2), { timeout: 1500 });
    expect(FakeWebSocket.last).not.toBe(dropped);
    const before = healthRequests;
    act(() => FakeWebSocket.last.serverOpen());
    expect(screen.getByText('Live')).toBeTruthy();
    expect(screen.queryByText(/You are offline/)).toBeNull();
    // Events missed while offline were never pushed: coming back refetches what is on screen.
    await waitFor(() => expect(healthRequests).toBeGreaterThan(before));
  });
});
