import { GoTrueClient } from '@supabase/auth-js';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AUTH_STORAGE_KEY, importSessionFromUrl } from '../auth/session';
import { loadRuntimeConfig } from '../config/runtime';
import { AppProviders } from './App';
import { AppRoutes } from './routes';

/** Reads the runtime config, makes the auth client and renders the app into #root. */
export async function startApp(container: HTMLElement) {
  const config = await loadRuntimeConfig();
  importSessionFromUrl();
  // supabase-js's auth client (GoTrue) on its own: the app needs Supabase Auth only, and this
  // keeps PostgREST, Realtime and Storage clients out of the bundle.
  const anonKey = config.supabaseAnonKey;
  const auth = new GoTrueClient({
    url: `${config.supabaseUrl}/auth/v1`,
    headers: anonKey ? { apikey: anonKey, Authorization: `Bearer ${anonKey}` } : {},
    storageKey: AUTH_STORAGE_KEY,
    persistSession: true,
    autoRefreshToken: true,
    // The fragment is read by importSessionFromUrl above (works without a login service).
    detectSessionInUrl: false,
  });
  const root = createRoot(container);
  // As a transition, the first render yields to the browser every few milliseconds instead of
  // holding the main thread for the whole tree (a slow phone's first input waits less).
  startTransition(() => {
    root.render(
      <StrictMode>
        <AppProviders config={config} auth={auth}>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AppProviders>
      </StrictMode>,
    );
  });
}
