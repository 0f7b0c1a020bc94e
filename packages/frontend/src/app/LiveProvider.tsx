import { useQueryClient } from '@tanstack/react-query';
import { createContext, use, useEffect, useRef, useState, type ReactNode } from 'react';
import { WsHello } from '@bot-mox/contracts';
import { LiveSocket, type LiveStatus } from '../api/live';
import { applyLiveEvent } from '../api/liveEvents';
import { useAuth } from '../auth/AuthProvider';
import { useServices } from './services';

export interface LiveState {
  status: LiveStatus;
  /** Whether the browser reports a network connection. */
  browserOnline: boolean;
  retryInMs?: number;
  lastEventAt?: number;
}

const LiveContext = createContext<LiveState>({ status: 'idle', browserOnline: true });

export function useLive(): LiveState {
  return use(LiveContext);
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const { wsUrl, getToken, WebSocketImpl } = useServices();
  const { session, expire, refresh } = useAuth();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>({
    status: 'idle',
    browserOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
  });
  const accessToken = session?.access_token;
  // Both outlive one socket: a refused token replaces the socket (see onUnauthorized).
  const dropped = useRef(false);
  /** Set when a refused token led to a refresh; cleared when a socket is accepted (its hello). */
  const refreshed = useRef(false);

  useEffect(() => {
    if (!accessToken) {
      refreshed.current = false;
      return;
    }
    const socket = new LiveSocket({
      url: wsUrl,
      getToken,
      WebSocketImpl,
      onMessage: (data) => {
        if (WsHello.safeParse(data).success) refreshed.current = false;
        if (applyLiveEvent(queryClient, data)) setState((s) => ({ ...s, lastEventAt: Date.now() }));
      },
      onStatus: (status, { retryInMs }) => {
        setState((s) => ({ ...s, status, retryInMs }));
        if (status === 'reconnecting' || status === 'unauthorized') dropped.current = true;
        // Back after a gap: whatever changed meanwhile was not pushed, so refetch.
        if (status === 'open' && dropped.current) {
          dropped.current = false;
          void queryClient.invalidateQueries();
        }
      },
      // 4401: the token expired or was refused. Refresh the session once; the new access token
      // re-runs this effect, which connects with it. If that token is refused too (no hello in
      // between) or the refresh fails, the session is over: sign out rather than loop.
      onUnauthorized: () => {
        if (refreshed.current) return expire();
        refreshed.current = true;
        void refresh().then((next) => {
          if (!next || next === accessToken) expire();
        });
      },
    });
    socket.start();
    return () => socket.stop();
  }, [accessToken, wsUrl, getToken, WebSocketImpl, queryClient, expire, refresh]);

  useEffect(() => {
    const update = () => setState((s) => ({ ...s, browserOnline: navigator.onLine }));
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  return <LiveContext value={state}>{children}</LiveContext>;
}
