import { useId } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/tagtrust';
import { ErrorAlert, Loading } from '../components/Feedback';
import { StatusBadge } from '../components/StatusBadge';
import { hasFault } from '../config';
import { formatDateTime } from '../format';
import { useResource } from '../hooks/useResource';
import { useTitle } from '../hooks/useTitle';

interface StatProps {
  caption: string;
  value: number;
  testId: string;
  hint?: string;
}

// Each count sits in a group labelled by its caption (README "Dashboard").
function Stat({ caption, value, testId, hint }: StatProps) {
  const labelId = useId();
  return (
    <div className="stat card" role="group" aria-labelledby={labelId}>
      <span className="stat-label" id={labelId}>
        {caption}
      </span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
      {hint && <span className="stat-hint">{hint}</span>}
    </div>
  );
}

function RecentVerifications() {
  const { data, error, loading } = useResource((signal) => api.verifications({ page: 1, per_page: 5 }, signal), []);
  return (
    <section className="card section" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent verifications</h2>
      <ErrorAlert error={error} />
      {loading && !data && <Loading label="Loading recent verifications…" />}
      {data && data.items.length === 0 && <p className="muted">Nobody has verified a tag yet.</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Recent verifications</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Result</th>
                <th scope="col">Location</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((v) => (
                <tr key={v.id}>
                  <td className="mono">{v.tag_id !== null ? <Link to={`/tags/${encodeURIComponent(v.code)}`}>{v.code}</Link> : v.code}</td>
                  <td>
                    <StatusBadge status={v.result} />
                  </td>
                  <td>{v.location || '—'}</td>
                  <td className="nowrap">{formatDateTime(v.verified_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function DashboardPage() {
  useTitle('Dashboard');
  const { data, error, loading, reload } = useResource((signal) => api.stats(signal), []);
  // Fault dashboard_counts_zero: every count renders as 0 whatever the API says.
  const count = (n: number) => (hasFault('dashboard_counts_zero') ? 0 : n);

  return (
    <>
      <div className="page-header">
        <h1>Dashboard</h1>
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading label="Loading counts…" />}
      {data && (
        <div className="stats-grid">
          <Stat caption="Total tags" value={count(data.tags.total)} testId="count-tags-total" />
          <Stat caption="Active tags" value={count(data.tags.active)} testId="count-tags-active" hint="Linked to an asset" />
          <Stat caption="Unassigned tags" value={count(data.tags.unassigned)} testId="count-tags-unassigned" hint="Ready to link" />
          <Stat caption="Revoked tags" value={count(data.tags.revoked)} testId="count-tags-revoked" hint="No longer trusted" />
          <Stat caption="Assets" value={count(data.assets)} testId="count-assets" />
          <Stat
            caption="Verifications"
            value={count(data.verifications.total)}
            testId="count-verifications"
            hint={`${count(data.verifications.last_24h)} in the last 24 hours`}
          />
        </div>
      )}
      <RecentVerifications />
    </>
  );
}
