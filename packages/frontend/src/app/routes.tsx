import { lazy } from 'react';
import { Link, Route, Routes } from 'react-router';
import { LoginPage } from '../auth/LoginPage';
// The page a signed-in user lands on is in the entry chunk: no second round trip before it
// renders. Every other page is a chunk of its own, loaded when it is opened.
import DashboardPage from '../pages/DashboardPage';
import { AppShell } from './AppShell';
import { LiveProvider } from './LiveProvider';
import { RequireAuth } from './RequireAuth';

const BotsPage = lazy(() => import('../pages/BotsPage'));
const BotDetailPage = lazy(() => import('../pages/BotDetailPage'));
const ResourcesPage = lazy(() => import('../pages/ResourcesPage'));
const WorkspacePage = lazy(() => import('../pages/WorkspacePage'));
const FinancePage = lazy(() => import('../pages/FinancePage'));
const ArtifactsPage = lazy(() => import('../pages/ArtifactsPage'));
const SettingsPage = lazy(() => import('../pages/SettingsPage'));
const SystemPage = lazy(() => import('../pages/SystemPage'));

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to the dashboard</Link>.
      </p>
    </section>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <LiveProvider>
              <AppShell />
            </LiveProvider>
          </RequireAuth>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="bots" element={<BotsPage />} />
        <Route path="bots/:id" element={<BotDetailPage />} />
        <Route path="resources" element={<ResourcesPage />} />
        <Route path="workspace" element={<WorkspacePage />} />
        <Route path="finance" element={<FinancePage />} />
        <Route path="artifacts" element={<ArtifactsPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="system" element={<SystemPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
