import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient } from '@bot-mox/contracts/client';
import { xhrUpload, type UploadFn } from '../api/upload';
import { AuthProvider, useAuth, type AuthClient } from '../auth/AuthProvider';
import { wsUrlFor, type RuntimeConfig } from '../config/runtime';
import { createQueryClient } from './queryClient';
import { ServicesProvider, type Services } from './services';

interface AppProvidersProps {
  config: RuntimeConfig;
  auth: AuthClient;
  queryClient?: QueryClient;
  WebSocketImpl?: typeof WebSocket;
  upload?: UploadFn;
  fetchImpl?: typeof fetch;
  children: ReactNode;
}

function ServicesFromAuth({
  config,
  auth,
  WebSocketImpl,
  upload,
  fetchImpl,
  queryClient,
  children,
}: Omit<AppProvidersProps, 'queryClient'> & { queryClient: QueryClient }) {
  const { expire } = useAuth();
  const expireRef = useRef(expire);
  expireRef.current = expire;

  const services = useMemo<Services>(() => {
    const getToken = async () => (await auth.getSession()).data.session?.access_token ?? null;
    const api = new ApiClient({
      baseUrl: config.apiUrl,
      getToken,
      onUnauthorized: () => {
        queryClient.clear();
        expireRef.current();
      },
      fetchImpl: fetchImpl ? (...args) => fetchImpl(...args) : undefined,
    });
    return {
      config,
      api,
      getToken,
      wsUrl: wsUrlFor(config),
      WebSocketImpl,
      upload: upload ?? ((r) => xhrUpload(r)),
    };
  }, [auth, config, WebSocketImpl, upload, fetchImpl, queryClient]);

  return <ServicesProvider services={services}>{children}</ServicesProvider>;
}

/** Everything but the router, so tests can wrap pages in a MemoryRouter. */
export function AppProviders({ queryClient, ...props }: AppProvidersProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <AuthProvider auth={props.auth}>
        <ServicesFromAuth {...props} queryClient={client} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
