import './zodJitless';
import { GoTrueClient } from '@supabase/auth-js';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AppProviders } from './app/App';
import { AppRoutes } from './app/routes';
import { AUTH_STORAGE_KEY, importSessionFromUrl } from './auth/session';
import { loadRuntimeConfig } from './config/runtime';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

async function start() {
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

start().catch((error: unknown) => {
  root.render(
    <main className="boot-error" role="alert">
      <h1>bot-mox could not start</h1>
      <p>{error instanceof Error ? error.message : String(error)}</p>
      <button type="button" onClick={() => window.location.reload()}>
        Reload
      </button>
    </main>,
  );
});
