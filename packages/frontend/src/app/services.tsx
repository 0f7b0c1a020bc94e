import { createContext, use, type ReactNode } from 'react';
import type { ApiClient } from '@bot-mox/contracts/client';
import type { RuntimeConfig } from '../config/runtime';
import type { UploadFn } from '../api/upload';

export interface Services {
  config: RuntimeConfig;
  api: ApiClient;
  wsUrl: string;
  getToken: () => Promise<string | null>;
  WebSocketImpl?: typeof WebSocket;
  upload: UploadFn;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({
  services,
  children,
}: {
  services: Services;
  children: ReactNode;
}) {
  return <ServicesContext value={services}>{children}</ServicesContext>;
}

export function useServices(): Services {
  const value = use(ServicesContext);
  if (!value) throw new Error('useServices must be used inside <ServicesProvider>');
  return value;
}

export function useApi(): ApiClient {
  return useServices().api;
}
