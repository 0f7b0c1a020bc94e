import { endpoints } from '@bot-mox/contracts';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { keys } from '../api/keys';
import { useApi } from '../app/services';
import { QueryState } from '../components/QueryState';
import { formatDateTime } from '../components/format';
import { StatusBadge } from './bots/BotTableParts';
import { characterLabel } from './bots/format';

/** One bot, by id: where finance rows (and the bots table) link to. */
export default function BotDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const bot = useQuery({
    queryKey: [...keys.bots, 'one', id],
    queryFn: ({ signal }) => api.call(endpoints.getBots, { params: { id }, signal }),
  });
  return (
    <section aria-labelledby="bot-title">
      <div className="page-header">
        <h1 id="bot-title">{bot.data?.name ?? 'Bot'}</h1>
        <Link to="/bots">All bots</Link>
      </div>
      <QueryState query={bot} loading="Loading bot…" errorTitle="Could not load this bot">
        {(b) => (
          <section className="panel" aria-label="Bot details">
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={b.status} />
              </dd>
              <dt>Project</dt>
              <dd>
                <Link to={`/bots?project=${encodeURIComponent(b.project)}`}>{b.project}</Link>
              </dd>
              <dt>VM</dt>
              <dd>{b.vm_name ?? '—'}</dd>
              <dt>Character</dt>
              <dd>{characterLabel(b.character)}</dd>
              <dt>Tags</dt>
              <dd>{b.tags.length ? b.tags.join(', ') : '—'}</dd>
              <dt>Last seen</dt>
              <dd>{formatDateTime(b.last_seen_at)}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(b.created_at)}</dd>
              <dt>Updated</dt>
              <dd>{formatDateTime(b.updated_at)}</dd>
              <dt>Id</dt>
              <dd>{b.id}</dd>
            </dl>
          </section>
        )}
      </QueryState>
    </section>
  );
}
