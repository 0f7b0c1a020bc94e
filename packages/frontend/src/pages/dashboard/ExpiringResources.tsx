// The dashboard panel of licenses, proxies and subscriptions that expire (or renew) soon.
import { endpoints } from '@bot-mox/contracts';
import { Link } from 'react-router';
import { useAllPages } from '../../api/hooks';
import { keys } from '../../api/keys';
import { QueryState, SkeletonRows, type QueryLike } from '../../components/QueryState';
import { formatDateTime } from '../../components/format';

interface Expiring {
  id: string;
  kind: string;
  label: string;
  at: string;
  tab: string;
}

export function ExpiringResources({ from, to }: { from: string; to: string }) {
  const licenses = useAllPages(keys.licenses, endpoints.listLicenses, {
    expires_from: from,
    expires_to: to,
    sort: 'expires_at',
  });
  const proxies = useAllPages(keys.proxies, endpoints.listProxies, {
    expires_from: from,
    expires_to: to,
    sort: 'expires_at',
  });
  const subscriptions = useAllPages(keys.subscriptions, endpoints.listSubscriptions, {
    renews_from: from,
    renews_to: to,
    sort: 'renews_at',
  });
  const all = [licenses, proxies, subscriptions];
  const failed = all.find((q) => q.isError);
  const combined: QueryLike<Expiring[]> = {
    isPending: all.some((q) => q.isPending),
    isError: Boolean(failed),
    error: failed?.error ?? null,
    data:
      all.every((q) => q.data) && !failed
        ? [
            ...(licenses.data?.items ?? []).map((l): Expiring => ({
              id: l.id,
              kind: 'License',
              label: l.key,
              at: l.expires_at ?? '',
              tab: 'licenses',
            })),
            ...(proxies.data?.items ?? []).map((p): Expiring => ({
              id: p.id,
              kind: 'Proxy',
              label: `${p.ip}:${p.port}`,
              at: p.expires_at ?? '',
              tab: 'proxies',
            })),
            ...(subscriptions.data?.items ?? []).map((s): Expiring => ({
              id: s.id,
              kind: 'Subscription',
              label: s.name,
              at: s.renews_at ?? '',
              tab: 'subscriptions',
            })),
          ].sort((a, b) => a.at.localeCompare(b.at))
        : undefined,
    refetch: () => Promise.all(all.map((q) => q.refetch())),
  };
  return (
    <section className="panel dash-panel" aria-labelledby="dash-expiring">
      <h2 id="dash-expiring">Expiring in 7 days</h2>
      <QueryState
        query={combined}
        loading="Loading resources…"
        skeleton={<SkeletonRows rows={2} />}
        errorTitle="Could not load resources"
        isEmpty={(d) => d.length === 0}
        empty="Nothing expires in the next 7 days."
      >
        {(items) => (
          <ul className="stat-list" aria-label="Expiring resources">
            {items.map((r) => (
              <li key={`${r.kind}-${r.id}`}>
                <span>
                  <span className="muted">{r.kind}</span>{' '}
                  <Link to={`/resources?tab=${r.tab}`}>{r.label}</Link>
                </span>
                <span>{formatDateTime(r.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}
