import { useId } from 'react';
import { api } from '../api/tagtrust';
import { hasRole, useAuth } from '../auth/AuthContext';
import { ErrorAlert, Loading } from '../components/Feedback';
import { Pagination } from '../components/Pagination';
import { formatDateTime } from '../format';
import { useListParams } from '../hooks/useListParams';
import { useResource } from '../hooks/useResource';
import { useTitle } from '../hooks/useTitle';

const ENTITY_TYPES = ['', 'tag', 'asset', 'link', 'user'];

function detailsText(details: Record<string, unknown> | null): string {
  // Empty values (null, {}) are noise in a log line.
  const entries = Object.entries(details ?? {}).filter(
    ([, value]) => value !== null && value !== '' && !(typeof value === 'object' && Object.keys(value).length === 0),
  );
  if (entries.length === 0) return '—';
  return entries.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
}

function AuditTable() {
  const entityId = useId();
  const { page, get, update } = useListParams();
  const entityType = ENTITY_TYPES.includes(get('entity_type')) ? get('entity_type') : '';
  const { data, error, loading, reload } = useResource(
    (signal) => api.audit({ page, entity_type: entityType }, signal),
    [page, entityType],
  );

  return (
    <>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={entityId}>Entity type</label>
          <select id={entityId} value={entityType} onChange={(e) => update({ entity_type: e.target.value })}>
            {ENTITY_TYPES.map((t) => (
              <option key={t || 'all'} value={t}>
                {t === '' ? 'All' : t[0].toUpperCase() + t.slice(1)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading label="Loading audit log…" />}
      {data && (
        <section className="card" aria-busy={loading}>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Audit log</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Entity</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">{formatDateTime(entry.created_at)}</td>
                    <td>{entry.actor_email ?? (entry.actor_id === null ? 'System' : `User ${entry.actor_id}`)}</td>
                    <td className="mono">{entry.action}</td>
                    <td className="mono">
                      {entry.entity_type}
                      {entry.entity_id !== null && ` #${entry.entity_id}`}
                    </td>
                    <td className="details-cell">{detailsText(entry.details)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.items.length === 0 && <p className="empty">No audit entries found.</p>}
          <Pagination
            page={data.page}
            pages={data.pages}
            total={data.total}
            nouns={['entry', 'entries']}
            onPage={(p) => update({ page: p })}
            disabled={loading}
          />
        </section>
      )}
    </>
  );
}

export function AuditPage() {
  useTitle('Audit log');
  const { user } = useAuth();
  return (
    <>
      <div className="page-header">
        <h1>Audit log</h1>
      </div>
      {hasRole(user, 'admin') ? (
        <AuditTable />
      ) : (
        <p className="alert alert-error" role="alert">
          Only administrators can read the audit log.
        </p>
      )}
    </>
  );
}
