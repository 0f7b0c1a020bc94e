import { useQueryClient } from '@tanstack/react-query';
import { createContext, use, useEffect, useState, type ReactNode } from 'react';
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
  const { session, expire } = useAuth();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>({
    status: 'idle',
    browserOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
  });
  const accessToken = session?.access_token;

  useEffect(() => {
    if (!accessToken) return;
    let dropped = false;
    const socket = new LiveSocket({
      url: wsUrl,
      getToken,
      WebSocketImpl,
      onMessage: (data) => {
        if (applyLiveEvent(queryClient, data)) setState((s) => ({ ...s, lastEventAt: Date.now() }));
      },
      onStatus: (status, { retryInMs }) => {
        setState((s) => ({ ...s, status, retryInMs }));
        if (status === 'reconnecting') dropped = true;
        // Back after a gap: whatever changed meanwhile was not pushed, so refetch.
        if (status === 'open' && dropped) {
          dropped = false;
          void queryClient.invalidateQueries();
        }
      },
      onUnauthorized: expire,
    });
    socket.start();
    return () => socket.stop();
  }, [accessToken, wsUrl, getToken, WebSocketImpl, queryClient, expire]);

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
