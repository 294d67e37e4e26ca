import { useId } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/tagtrust';
import type { TagStatus } from '../api/types';
import { ErrorAlert, Loading } from '../components/Feedback';
import { Pagination } from '../components/Pagination';
import { SearchForm } from '../components/SearchForm';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime } from '../format';
import { useListParams } from '../hooks/useListParams';
import { useResource } from '../hooks/useResource';
import { useTitle } from '../hooks/useTitle';

const STATUSES: { value: TagStatus | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'active', label: 'Active' },
  { value: 'revoked', label: 'Revoked' },
];

function toStatus(value: string): TagStatus | '' {
  return STATUSES.some((s) => s.value === value) ? (value as TagStatus | '') : '';
}

export function TagsPage() {
  useTitle('Tags');
  const statusId = useId();
  const { page, get, update } = useListParams();
  const q = get('q');
  const status = toStatus(get('status'));
  const { data, error, loading, reload } = useResource((signal) => api.tags({ page, q, status }, signal), [page, q, status]);

  return (
    <>
      <div className="page-header">
        <h1>Tags</h1>
      </div>
      <SearchForm
        name="Filter tags"
        label="Search tags"
        placeholder="Code, e.g. TT-7K3M"
        value={q}
        onSearch={(text) => update({ q: text })}
      >
        <div className="field">
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => update({ status: e.target.value })}>
            {STATUSES.map((s) => (
              <option key={s.value || 'all'} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      </SearchForm>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading label="Loading tags…" />}
      {data && (
        <section className="card" aria-busy={loading}>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Tags</caption>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Status</th>
                  <th scope="col">Fingerprint</th>
                  <th scope="col">Registered</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((tag) => (
                  <tr key={tag.id}>
                    <td className="mono">
                      <Link to={`/tags/${encodeURIComponent(tag.code)}`}>{tag.code}</Link>
                    </td>
                    <td>
                      <StatusBadge status={tag.status} />
                    </td>
                    <td className="mono muted truncate" title={tag.fingerprint}>
                      {tag.fingerprint.slice(0, 16)}…
                    </td>
                    <td className="nowrap">{formatDateTime(tag.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {/* Outside the table so row counts only ever count tags. */}
          {data.items.length === 0 && <p className="empty">No tags found.</p>}
          <Pagination
            page={data.page}
            pages={data.pages}
            total={data.total}
            nouns={['tag', 'tags']}
            onPage={(p) => update({ page: p })}
            disabled={loading}
          />
        </section>
      )}
    </>
  );
}
