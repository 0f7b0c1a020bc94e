import { endpoints } from '@bot-mox/contracts';
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
