import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WS_CLOSE_FORBIDDEN, WS_CLOSE_UNAUTHORIZED } from '@bot-mox/contracts';
import { FakeWebSocket, FakeWebSocketImpl } from '../test/FakeWebSocket';
import { backoffDelay, LiveSocket, type LiveStatus } from './live';

describe('backoffDelay', () => {
  it('doubles per attempt, jitters within the upper half, and caps', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 1000, 30_000, () => 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 1000, 30_000, () => 1))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(backoffDelay(20, 1000, 30_000, () => 1)).toBe(30_000);
  });
});

describe('LiveSocket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function start(token: string | null = 'jwt-1') {
    const statuses: LiveStatus[] = [];
    const messages: unknown[] = [];
    const onUnauthorized = vi.fn();
    let current = token;
    const socket = new LiveSocket({
      url: 'wss://api.example.test/api/v1/ws',
      getToken: () => current,
      onMessage: (m) => messages.push(m),
      onStatus: (s) => statuses.push(s),
      onUnauthorized,
      WebSocketImpl: FakeWebSocketImpl,
      random: () => 1,
    });
    socket.start();
    return { socket, statuses, messages, onUnauthorized, setToken: (t: string) => (current = t) };
  }

  it('falls back to the browser WebSocket when WebSocketImpl is passed as undefined', async () => {
    vi.stubGlobal('WebSocket', FakeWebSocketImpl);
    try {
      const before = FakeWebSocket.instances.length;
      const socket = new LiveSocket({
        url: 'wss://api.example.test/api/v1/ws',
        getToken: () => 'jwt-1',
        onMessage: () => {},
        WebSocketImpl: undefined,
      });
      socket.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(FakeWebSocket.instances.length).toBe(before + 1);
      socket.stop();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('connects with the token as access_token and passes parsed JSON messages on', async () => {
    const { statuses, messages, socket } = start();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.last.url).toBe('wss://api.example.test/api/v1/ws?access_token=jwt-1');
    FakeWebSocket.last.serverOpen();
    FakeWebSocket.last.serverSend({ type: 'hello', server_time: '2026-11-02T09:00:00.000Z' });
    FakeWebSocket.last.serverSend('not json');
    expect(messages).toEqual([{ type: 'hello', server_time: '2026-11-02T09:00:00.000Z' }]);
    expect(statuses).toEqual(['connecting', 'open']);
    socket.stop();
    expect(FakeWebSocket.last.closedWith).toEqual({ code: 1000, reason: 'client stopped' });
  });

  it('reconnects with growing delays and a fresh token, and resets the backoff once open', async () => {
    const { statuses, setToken, socket } = start();
    await vi.advanceTimersByTimeAsync(0);
    FakeWebSocket.last.serverClose(1006);
    expect(statuses.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    setToken('jwt-2');
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(FakeWebSocket.last.url).toContain('access_token=jwt-2');
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.last.serverOpen();
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.instances).toHaveLength(4);
    socket.stop();
  });

  it('does not connect without a token', async () => {
    const { statuses } = start(null);
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(statuses).toEqual(['unauthorized']);
  });

  it('on 4401 turns unauthorized, reports it once and waits for reconnect() instead of retrying', async () => {
    const { statuses, onUnauthorized, setToken, socket } = start();
    await vi.advanceTimersByTimeAsync(0);
    // The server completes the upgrade, then closes: the browser sees open, then 4401.
    FakeWebSocket.last.serverOpen();
    FakeWebSocket.last.serverClose(WS_CLOSE_UNAUTHORIZED, 'token expired');
    expect(statuses.slice(-2)).toEqual(['open', 'unauthorized']);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);

    setToken('jwt-2');
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(FakeWebSocket.last.url).toContain('access_token=jwt-2');
    socket.stop();
  });

  it('on 4403 turns unauthorized without asking for a new token or retrying', async () => {
    const { statuses, onUnauthorized } = start();
    await vi.advanceTimersByTimeAsync(0);
    FakeWebSocket.last.serverOpen();
    FakeWebSocket.last.serverClose(WS_CLOSE_FORBIDDEN, 'role may not subscribe');
    expect(statuses.at(-1)).toBe('unauthorized');
    expect(onUnauthorized).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});
