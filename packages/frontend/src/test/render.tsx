import { QueryClient } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import type { UploadFn } from '../api/upload';
import { AppProviders } from '../app/App';
import { AppRoutes } from '../app/routes';
import type { RuntimeConfig } from '../config/runtime';
import { FakeWebSocketImpl } from './FakeWebSocket';
import { FakeAuth } from './fakeAuth';
import { API } from './server';

export const testConfig: RuntimeConfig = {
  apiUrl: API,
  supabaseUrl: 'http://supabase.test',
  supabaseAnonKey: 'anon',
  environment: 'test',
  imageTag: 'sha-test123',
};

export function testQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
}

interface RenderAppOptions {
  route?: string;
  auth?: FakeAuth;
  upload?: UploadFn;
}

/** Renders the whole app (providers, router, shell) at a route, as a signed-in operator by default. */
export function renderApp({
  route = '/',
  auth = new FakeAuth(),
  upload,
}: RenderAppOptions = {}): RenderResult & {
  user: UserEvent;
  auth: FakeAuth;
  queryClient: QueryClient;
} {
  const queryClient = testQueryClient();
  const user = userEvent.setup();
  const result = render(
    <AppProviders
      config={testConfig}
      auth={auth.client}
      queryClient={queryClient}
      WebSocketImpl={FakeWebSocketImpl}
      upload={upload}
    >
      <MemoryRouter initialEntries={[route]}>
        <AppRoutes />
      </MemoryRouter>
    </AppProviders>,
  );
  return { ...result, user, auth, queryClient };
}
