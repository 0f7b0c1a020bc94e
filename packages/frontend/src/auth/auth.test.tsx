import { act, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { WS_CLOSE_UNAUTHORIZED } from '@bot-mox/contracts';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { botPage, problem } from '../test/fixtures';
import { FakeAuth } from '../test/fakeAuth';
import { renderApp } from '../test/render';
import { API, server } from '../test/server';
import { AUTH_STORAGE_KEY, importSessionFromUrl, sessionFromFragment } from './session';

const b64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: object) =>
  `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.signature`;

describe('sign-in', () => {
  it('sends a signed-out visitor to the login page, signs in, and returns to the page asked for', async () => {
    server.use(http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage([]))));
    const auth = new FakeAuth(null);
    const { user } = renderApp({ route: '/bots', auth });
    expect(await screen.findByRole('heading', { name: 'bot-mox' })).toBeTruthy();
    await user.type(screen.getByLabelText('E-mail'), 'operator@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid login credentials');
    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Bots' })).toBeTruthy();
    expect(auth.signInCalls.at(-1)).toEqual({
      email: 'operator@example.com',
      password: 'correct horse',
    });
  });

  it('goes back to login with a notice when the API answers 401', async () => {
    server.use(
      http.get(`${API}/api/v1/bots`, () =>
        HttpResponse.json(problem(401, 'Unauthorized', 'token expired'), { status: 401 }),
      ),
    );
    const auth = new FakeAuth();
    renderApp({ route: '/bots', auth });
    expect(
      await screen.findByText('Your session has expired or was refused. Please sign in again.'),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(auth.session).toBeNull();
  });

  it('signs out from the shell', async () => {
    server.use(http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage([]))));
    const { user, auth } = renderApp({ route: '/bots' });
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy());
    expect(auth.session).toBeNull();
  });
});

describe('live socket refused with 4401', () => {
  const tokenOf = (socket: FakeWebSocket) => new URL(socket.url).searchParams.get('access_token');
  const hello = { type: 'hello', server_time: '2026-11-30T09:00:00.000Z' };
  const expiredNotice = 'Your session has expired or was refused. Please sign in again.';

  it('refreshes the session and reconnects once per expiry; a refreshed token refused too signs out', async () => {
    server.use(http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage([]))));
    const { auth } = renderApp({ route: '/bots' });
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    act(() => {
      FakeWebSocket.last.serverOpen();
      FakeWebSocket.last.serverSend(hello);
    });

    // The open socket's token expires: one refresh, one new socket with the new token.
    act(() => FakeWebSocket.last.serverClose(WS_CLOSE_UNAUTHORIZED, 'token expired'));
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    expect(auth.refreshCalls).toBe(1);
    expect(tokenOf(FakeWebSocket.last)).toBe('test-access-token-2');
    act(() => {
      FakeWebSocket.last.serverOpen();
      FakeWebSocket.last.serverSend(hello);
    });
    expect(await screen.findByText('Live')).toBeTruthy();

    // Accepted, then expired again later: that is a new expiry, so a refresh again.
    act(() => FakeWebSocket.last.serverClose(WS_CLOSE_UNAUTHORIZED, 'token expired'));
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(3));
    expect(auth.refreshCalls).toBe(2);

    // The refreshed token is refused before any hello: no further refresh, sign out instead.
    act(() => {
      FakeWebSocket.last.serverOpen();
      FakeWebSocket.last.serverClose(WS_CLOSE_UNAUTHORIZED, 'invalid token');
    });
    expect(await screen.findByText(expiredNotice)).toBeTruthy();
    expect(auth.session).toBeNull();
    expect(auth.refreshCalls).toBe(2);
    expect(FakeWebSocket.instances).toHaveLength(3);
  });

  it('signs out when the session cannot be refreshed', async () => {
    server.use(http.get(`${API}/api/v1/bots`, () => HttpResponse.json(botPage([]))));
    const auth = new FakeAuth();
    auth.canRefresh = false;
    renderApp({ route: '/bots', auth });
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    act(() => {
      FakeWebSocket.last.serverOpen();
      FakeWebSocket.last.serverClose(WS_CLOSE_UNAUTHORIZED, 'token expired');
    });
    expect(await screen.findByText(expiredNotice)).toBeTruthy();
    expect(auth.refreshCalls).toBe(1);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

describe('implicit-flow session in the URL fragment (offline prod-sim sign-in link)', () => {
  const token = jwt({
    sub: 'user-1',
    email: 'ops@example.com',
    role: 'authenticated',
    exp: 2_000_000_000,
    iat: 1_700_000_000,
    aud: 'authenticated',
  });

  it('builds a session from the token claims without asking the auth server', () => {
    const session = sessionFromFragment(
      `#access_token=${token}&token_type=bearer&expires_in=3600&refresh_token=r1`,
      1_999_996_400_000,
    );
    expect(session).toMatchObject({
      access_token: token,
      refresh_token: 'r1',
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: 2_000_000_000,
      user: { id: 'user-1', email: 'ops@example.com', role: 'authenticated', aud: 'authenticated' },
    });
  });

  it('ignores fragments that are not a session', () => {
    expect(sessionFromFragment('#/bots')).toBeNull();
    expect(sessionFromFragment('#access_token=not-a-jwt')).toBeNull();
  });

  it('stores the session where the auth client reads it and removes the token from the address bar', () => {
    const replaced: string[] = [];
    const stored = importSessionFromUrl(
      {
        hash: `#access_token=${token}&token_type=bearer`,
        pathname: '/bots',
        search: '?status=running',
      },
      localStorage,
      {
        replaceState: (_d: unknown, _t: string, url?: string | URL | null) =>
          replaced.push(String(url)),
      },
    );
    expect(stored).toBe(true);
    expect(JSON.parse(localStorage.getItem(AUTH_STORAGE_KEY)!).access_token).toBe(token);
    expect(replaced).toEqual(['/bots?status=running']);
  });
});
