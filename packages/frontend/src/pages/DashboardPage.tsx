import { BOT_STATUSES, endpoints } from '@bot-mox/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAllPages } from '../api/hooks';
import { keys } from '../api/keys';
import { useApi } from '../app/services';
import { QueryState, SkeletonRows } from '../components/QueryState';
import { ExpiringResources } from './dashboard/ExpiringResources';
import { formatDateTime, formatMoney, humanize } from '../components/format';

const DAY = 86_400_000;

/** The time window the dashboard looks at, fixed at mount so query keys stay stable. */
function useWindow() {
  const [window] = useState(() => {
    const now = new Date();
    now.setSeconds(0, 0);
    return {
      now: now.toISOString(),
      weekAhead: new Date(now.getTime() + 7 * DAY).toISOString(),
      monthStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
      nextMonthStart: new Date(
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
      ).toISOString(),
      monthLabel: now.toLocaleDateString(undefined, {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }),
    };
  });
  return window;
}

let countFormat: Intl.NumberFormat | undefined;
/** Made on first use (see components/format.ts). */
const count = () => (countFormat ??= new Intl.NumberFormat());

/** Totals come from the server (one SQL GROUP BY over every bot), never from paging the list. */
function BotsByStatus() {
  const api = useApi();
  const stats = useQuery({
    queryKey: keys.botStats,
    queryFn: ({ signal }) => api.call(endpoints.botStats, { signal }),
  });
  return (
    <section className="panel dash-panel dash-panel-bots" aria-labelledby="dash-bots">
      <h2 id="dash-bots">Bots by status</h2>
      <QueryState
        query={stats}
        loading="Loading bots…"
        skeleton={<SkeletonRows rows={BOT_STATUSES.length} />}
        errorTitle="Could not load bots"
        isEmpty={(d) => d.total === 0}
        empty="No bots yet."
      >
        {({ total, by_status, by_project }) => (
          <>
            <p className="stat">{count().format(total)} bots</p>
            <ul className="stat-list" aria-label="Bots per status">
              {BOT_STATUSES.map((s) => (
                <li key={s}>
                  <Link to={`/bots?status=${s}`}>
                    <span className={`badge badge-${s}`}>{humanize(s)}</span>
                  </Link>
                  <strong>{count().format(by_status[s])}</strong>
                </li>
              ))}
            </ul>
            <h3>Per project</h3>
            <ul className="stat-list" aria-label="Bots per project">
              {by_project.map((p) => (
                <li key={p.project}>
                  <Link to={`/bots?project=${encodeURIComponent(p.project)}`}>{p.project}</Link>
                  <strong>{count().format(p.total)}</strong>
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryState>
    </section>
  );
}

function MonthFinance({ from, to, label }: { from: string; to: string; label: string }) {
  const api = useApi();
  const query = { from, to };
  const summary = useQuery({
    queryKey: [...keys.financeSummary, query],
    queryFn: ({ signal }) => api.call(endpoints.financeSummary, { query, signal }),
  });
  return (
    <section className="panel dash-panel" aria-labelledby="dash-finance">
      <h2 id="dash-finance">Finance, {label}</h2>
      <QueryState
        query={summary}
        loading="Loading finance…"
        skeleton={<SkeletonRows rows={2} />}
        errorTitle="Could not load finance"
        isEmpty={(s) => s.by_currency.length === 0}
        empty="No operations this month."
      >
        {(s) => (
          <ul className="stat-list" aria-label="This month per currency">
            {s.by_currency.map((t) => (
              <li key={t.currency}>
                <strong>{t.currency}</strong>
                <span>
                  <span className="badge badge-income">+{formatMoney(t.income, t.currency)}</span>{' '}
                  <span className="badge badge-expense">−{formatMoney(t.expense, t.currency)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

function TasksDue({ to }: { to: string }) {
  const tasks = useAllPages(keys.tasks, endpoints.listTasks, { due_to: to, sort: 'due_at' });
  const now = Date.now();
  return (
    <section className="panel dash-panel" aria-labelledby="dash-tasks">
      <h2 id="dash-tasks">Tasks due</h2>
      <QueryState
        query={tasks}
        loading="Loading tasks…"
        skeleton={<SkeletonRows rows={2} />}
        errorTitle="Could not load tasks"
        isEmpty={(d) => d.items.every((t) => t.status === 'done')}
        empty="No open tasks due in the next 7 days."
      >
        {({ items }) => (
          <ul className="stat-list" aria-label="Open tasks due">
            {items
              .filter((t) => t.status !== 'done')
              .map((t) => {
                const overdue = t.due_at !== null && Date.parse(t.due_at) < now;
                return (
                  <li key={t.id}>
                    <Link to="/workspace?tab=tasks">{t.title}</Link>
                    <span className={overdue ? 'field-error' : undefined}>
                      {overdue ? 'overdue ' : ''}
                      {formatDateTime(t.due_at)}
                    </span>
                  </li>
                );
              })}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

export default function DashboardPage() {
  const w = useWindow();
  return (
    <section aria-labelledby="dashboard-title">
      <div className="page-header">
        <h1 id="dashboard-title">Dashboard</h1>
      </div>
      <div className="grid">
        <BotsByStatus />
        <MonthFinance from={w.monthStart} to={w.nextMonthStart} label={w.monthLabel} />
        <ExpiringResources from={w.now} to={w.weekAhead} />
        <TasksDue to={w.weekAhead} />
      </div>
    </section>
  );
}
