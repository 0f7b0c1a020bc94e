import { Suspense, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { Loading } from '../components/QueryState';
import { useLive } from './LiveProvider';
import { useServices } from './services';
import { ErrorBoundary } from '../components/ErrorBoundary';

export const NAV = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/bots', label: 'Bots' },
  { to: '/resources', label: 'Resources' },
  { to: '/workspace', label: 'Workspace' },
  { to: '/finance', label: 'Finance' },
  { to: '/artifacts', label: 'Artifacts' },
  { to: '/settings', label: 'Settings' },
  { to: '/system', label: 'System status' },
] as const;

export function ConnectionIndicator() {
  const live = useLive();
  let label: string;
  let tone: 'ok' | 'warn' | 'bad';
  if (!live.browserOnline) {
    label = 'Offline: no network';
    tone = 'bad';
  } else if (live.status === 'open') {
    label = 'Live';
    tone = 'ok';
  } else if (live.status === 'reconnecting') {
    label = live.retryInMs
      ? `Offline: reconnecting in ${Math.ceil(live.retryInMs / 1000)} s`
      : 'Offline: reconnecting';
    tone = 'bad';
  } else if (live.status === 'unauthorized') {
    label = 'Live updates refused';
    tone = 'bad';
  } else {
    label = 'Connecting…';
    tone = 'warn';
  }
  return (
    <span
      className={`connection connection-${tone}`}
      role="status"
      aria-live="polite"
      title="Live updates over WebSocket"
    >
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

export function AppShell() {
  const { session, signOut } = useAuth();
  const { config } = useServices();
  const live = useLive();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const offline = !live.browserOnline || live.status === 'reconnecting';

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="btn-icon menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="primary-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden="true">☰</span>
          <span className="visually-hidden">Menu</span>
        </button>
        <span className="brand">bot-mox</span>
        {config.environment && <span className="env-badge">{config.environment}</span>}
        <span className="spacer" />
        <ConnectionIndicator />
        <span className="user" title={session?.user.email ?? session?.user.id}>
          {session?.user.email ?? 'signed in'}
        </span>
        <button type="button" className="btn btn-small" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {offline && (
        <div className="offline-banner" role="alert">
          You are offline. Data shown may be out of date; changes will not be live until the
          connection is back.
        </div>
      )}
      <div className="layout">
        <nav id="primary-nav" className={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Primary">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={'end' in item} onClick={() => setMenuOpen(false)}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<Loading label="Loading page…" />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
