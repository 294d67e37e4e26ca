import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../hooks/useAction';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/tagtrust';
import type { TagDetail } from '../api/types';
import { hasRole, useAuth } from '../auth/AuthContext';
import { ErrorAlert, Loading } from '../components/Feedback';
import { StatusBadge } from '../components/StatusBadge';
import { formatDateTime } from '../format';
import { useResource } from '../hooks/useResource';
import { useTitle } from '../hooks/useTitle';

function RevokeForm({ code, onRevoked }: { code: string; onRevoked: () => void }) {
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction('Could not revoke the tag.');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.revokeTag(code, reason.trim()))) {
      setReason('');
      onRevoked();
    }
  };

  return (
    <section className="card section danger-zone" aria-labelledby="revoke-heading">
      <h2 id="revoke-heading">Revoke this tag</h2>
      <p className="muted">A revoked tag answers “Revoked” to everyone who verifies it. This cannot be undone.</p>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={reasonId}>Revocation reason</label>
          <textarea id={reasonId} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <div>
          <button type="submit" className="button button-danger" disabled={busy}>
            Revoke tag
          </button>
        </div>
      </form>
    </section>
  );
}

function Details({ tag }: { tag: TagDetail }) {
  return (
    <dl className="details card">
      <div>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={tag.status} testId="tag-status" />
        </dd>
      </div>
      <div>
        <dt>Linked asset</dt>
        <dd>{tag.asset ? <Link to={`/assets/${encodeURIComponent(String(tag.asset.id))}`}>{tag.asset.name}</Link> : 'Not linked'}</dd>
      </div>
      <div className="details-wide">
        <dt>Fingerprint</dt>
        <dd className="mono break">{tag.fingerprint}</dd>
      </div>
      <div>
        <dt>Registered</dt>
        <dd>{formatDateTime(tag.created_at)}</dd>
      </div>
      <div>
        <dt>Last updated</dt>
        <dd>{formatDateTime(tag.updated_at)}</dd>
      </div>
      {tag.status === 'revoked' && (
        <>
          <div>
            <dt>Revoked on</dt>
            <dd>{formatDateTime(tag.revoked_at)}</dd>
          </div>
          <div>
            <dt>Revocation reason</dt>
            <dd>{tag.revoked_reason || '—'}</dd>
          </div>
        </>
      )}
    </dl>
  );
}

function LinkHistory({ tag }: { tag: TagDetail }) {
  return (
    <section className="card section" aria-labelledby="history-heading">
      <h2 id="history-heading">Link history</h2>
      {tag.links.length === 0 ? (
        <p className="muted">This tag has never been linked to an asset.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Link history</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Linked</th>
                <th scope="col">Unlinked</th>
              </tr>
            </thead>
            <tbody>
              {tag.links.map((link) => (
                <tr key={link.id}>
                  <td>
                    <Link to={`/assets/${encodeURIComponent(String(link.asset_id))}`}>{link.asset_name ?? `Asset ${link.asset_id}`}</Link>
                  </td>
                  <td className="nowrap">{formatDateTime(link.linked_at)}</td>
                  <td>{link.unlinked_at ? formatDateTime(link.unlinked_at) : 'Current'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function TagDetailPage() {
  const code = useParams().code ?? '';
  useTitle(code);
  const { user } = useAuth();
  const [message, setMessage] = useState('');
  const { data, error, loading, reload } = useResource((signal) => api.tag(code, signal), [code]);

  const onRevoked = () => {
    setMessage(`Revoked ${code}`);
    reload();
  };

  return (
    <>
      <p className="breadcrumb">
        {/* Not "All tags": link names containing "Tags" would collide with the nav link in tests. */}
        <Link to="/tags">← Tag list</Link>
      </p>
      <div className="page-header">
        <h1 className="code-heading">{data?.code ?? code}</h1>
      </div>
      {message && (
        <p className="alert alert-success" role="status">
          {message}
        </p>
      )}
      <ErrorAlert error={error} onRetry={error?.status === 404 ? undefined : reload} />
      {loading && !data && <Loading label="Loading tag…" />}
      {data && (
        <>
          <Details tag={data} />
          {hasRole(user, 'operator') && data.status !== 'revoked' && <RevokeForm code={data.code} onRevoked={onRevoked} />}
          <LinkHistory tag={data} />
        </>
      )}
    </>
  );
}
