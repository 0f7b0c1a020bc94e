import { endpoints, type HealthResponse } from '@bot-mox/contracts';
import { useQuery } from '@tanstack/react-query';
import { version as frontendVersion } from '../../package.json';
import { keys } from '../api/keys';
import { useServices } from '../app/services';
import { QueryState } from '../components/QueryState';

function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return [d && `${d}d`, (d || h) && `${h}h`, `${m}m`, `${s}s`].filter(Boolean).join(' ');
}

function formatAge(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

const ageOf = (at: string, now: number) => (now - Date.parse(at)) / 1000;

/** What is wrong with the backups, in words for whoever runs the stack; empty when all is well. */
function backupProblems(h: HealthResponse, now = Date.now()): string[] {
  const problems: string[] = [];
  if (h.last_backup_ok === false && h.last_backup_at) {
    problems.push(
      `The last backup failed (${formatAge(ageOf(h.last_backup_at, now))} ago). See the backup service's log and ops.runs.`,
    );
  }
  if (!h.last_good_backup_at) {
    problems.push('No successful backup has been recorded.');
  } else if (
    h.backup_max_age_seconds !== null &&
    ageOf(h.last_good_backup_at, now) > h.backup_max_age_seconds
  ) {
    problems.push(
      `The last successful backup is ${formatAge(ageOf(h.last_good_backup_at, now))} old; the schedule allows ${formatAge(h.backup_max_age_seconds)}.`,
    );
  }
  if (h.last_restore_drill_ok === false) {
    problems.push(
      'The last restore drill failed: the backups may not restore. See ops.runs for the error.',
    );
  }
  return problems;
}

function RunResult({ at, ok, now }: { at: string | null; ok: boolean | null; now: number }) {
  if (!at) return <span className="muted">never</span>;
  return (
    <>
      <span className={`badge badge-${ok ? 'ok' : 'bad'}`}>{ok ? 'OK' : 'FAILED'}</span>{' '}
      <time dateTime={at} title={at}>
        {formatAge(ageOf(at, now))} ago
      </time>
    </>
  );
}

function Backups({ health: h }: { health: HealthResponse }) {
  const now = Date.now();
  const problems = backupProblems(h, now);
  return (
    <>
      {problems.length > 0 && (
        <div className="state state-error" role="alert" aria-label="Backup problems">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <dl className="facts">
        <dt>Last backup</dt>
        <dd>
          <RunResult at={h.last_backup_at} ok={h.last_backup_ok} now={now} />
        </dd>
        <dt>Last good backup</dt>
        <dd>
          <RunResult at={h.last_good_backup_at} ok={true} now={now} />
        </dd>
        <dt>Last restore drill</dt>
        <dd>
          <RunResult at={h.last_restore_drill_at} ok={h.last_restore_drill_ok} now={now} />
        </dd>
      </dl>
    </>
  );
}

function Check({ ok, label, detail }: { ok: boolean; label: string; detail?: string }) {
  return (
    <li>
      <span className={`badge badge-${ok ? 'ok' : 'bad'}`}>{ok ? 'OK' : 'FAIL'}</span>
      <span>{label}</span>
      {detail && <span className="muted">{detail}</span>}
    </li>
  );
}

export default function SystemPage() {
  const { api, config } = useServices();
  const health = useQuery({
    queryKey: keys.health,
    queryFn: ({ signal }) => api.call(endpoints.health, { signal }),
    refetchInterval: 15_000,
  });
  const ready = useQuery({
    queryKey: keys.ready,
    queryFn: ({ signal }) => api.call(endpoints.healthReady, { signal, acceptStatuses: [503] }),
    refetchInterval: 15_000,
  });

  return (
    <section aria-labelledby="system-title">
      <div className="page-header">
        <h1 id="system-title">System status</h1>
        <button
          type="button"
          className="btn"
          onClick={() => {
            void health.refetch();
            void ready.refetch();
          }}
        >
          Refresh
        </button>
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="backend-title">
          <h2 id="backend-title">Backend</h2>
          <QueryState
            query={health}
            loading="Loading backend health…"
            errorTitle="Backend health unavailable"
          >
            {(h) => (
              <dl className="facts">
                <dt>Status</dt>
                <dd>
                  <span className={`badge badge-${h.status === 'ok' ? 'ok' : 'bad'}`}>
                    {h.status}
                  </span>
                </dd>
                <dt>Version</dt>
                <dd>{h.version}</dd>
                <dt>Git SHA</dt>
                <dd>{h.git_sha}</dd>
                <dt>Image tag</dt>
                <dd>{h.image_tag}</dd>
                <dt>Uptime</dt>
                <dd>{formatUptime(h.uptime_seconds)}</dd>
                <dt>Data backend</dt>
                <dd>{h.data_backend}</dd>
                <dt>Supabase</dt>
                <dd>{h.supabase_ready ? 'ready' : 'not ready'}</dd>
                <dt>S3</dt>
                <dd>{h.s3_ready ? 'ready' : 'not ready'}</dd>
              </dl>
            )}
          </QueryState>
        </section>
        <section className="panel" aria-labelledby="ready-title">
          <h2 id="ready-title">Ready checks</h2>
          <QueryState
            query={ready}
            loading="Loading ready checks…"
            errorTitle="Ready checks unavailable"
            isEmpty={(r) => Object.keys(r.checks).length === 0}
            empty="The backend reported no checks."
          >
            {(r) => (
              <>
                <p>
                  Overall:{' '}
                  <span className={`badge badge-${r.status === 'ready' ? 'ok' : 'bad'}`}>
                    {r.status === 'ready' ? 'ready' : 'not ready'}
                  </span>
                </p>
                <ul className="checks" aria-label="Ready checks">
                  {Object.entries(r.checks).map(([name, check]) => (
                    <Check key={name} ok={check.ok} label={name} detail={check.detail} />
                  ))}
                </ul>
              </>
            )}
          </QueryState>
        </section>
        <section className="panel" aria-labelledby="backups-title">
          <h2 id="backups-title">Backups</h2>
          {/* Read from the backend's health: its errors already show in the Backend panel. */}
          {health.data ? (
            <Backups health={health.data} />
          ) : (
            <p className="muted">Known once the backend's health answers.</p>
          )}
        </section>
        <section className="panel" aria-labelledby="frontend-title">
          <h2 id="frontend-title">Frontend</h2>
          <dl className="facts">
            <dt>Version</dt>
            <dd>{frontendVersion}</dd>
            <dt>Image tag</dt>
            <dd>{config.imageTag ?? 'not set'}</dd>
            <dt>Environment</dt>
            <dd>{config.environment ?? 'not set'}</dd>
            <dt>API</dt>
            <dd>{config.apiUrl}</dd>
          </dl>
        </section>
      </div>
    </section>
  );
}
