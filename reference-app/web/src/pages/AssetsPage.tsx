import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/tagtrust';
import { hasRole, useAuth } from '../auth/AuthContext';
import { ErrorAlert, Loading } from '../components/Feedback';
import { Pagination } from '../components/Pagination';
import { SearchForm } from '../components/SearchForm';
import { formatDay, orDash } from '../format';
import { useListParams } from '../hooks/useListParams';
import { useResource } from '../hooks/useResource';
import { useTitle } from '../hooks/useTitle';
import { NewAssetForm } from './NewAssetForm';

export function AssetsPage() {
  useTitle('Assets');
  const { user } = useAuth();
  const navigate = useNavigate();
  const { page, get, update } = useListParams();
  const q = get('q');
  const { data, error, loading, reload } = useResource((signal) => api.assets({ page, q }, signal), [page, q]);
  const canCreate = hasRole(user, 'operator');

  return (
    <>
      <div className="page-header">
        <h1>Assets</h1>
      </div>
      <div className={canCreate ? 'with-aside' : undefined}>
        <div className="stack">
          <SearchForm
            name="Filter assets"
            label="Search assets"
            placeholder="Name, SKU, lot or manufacturer"
            value={q}
            onSearch={(text) => update({ q: text })}
          />
          <ErrorAlert error={error} onRetry={reload} />
          {loading && !data && <Loading label="Loading assets…" />}
          {data && (
            <section className="card" aria-busy={loading}>
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Assets</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">SKU</th>
                      <th scope="col">Lot</th>
                      <th scope="col">Manufacturer</th>
                      <th scope="col">Location</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((asset) => (
                      <tr key={asset.id}>
                        <td>
                          <Link to={`/assets/${encodeURIComponent(String(asset.id))}`}>{asset.name}</Link>
                        </td>
                        <td className="mono nowrap">{asset.sku}</td>
                        <td className="nowrap">{orDash(asset.lot)}</td>
                        <td>{asset.manufacturer}</td>
                        <td>{orDash(asset.location)}</td>
                        <td className="nowrap">{formatDay(asset.created_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {/* Outside the table so row counts only ever count assets. */}
              {data.items.length === 0 && <p className="empty">No assets found.</p>}
              <Pagination
                page={data.page}
                pages={data.pages}
                total={data.total}
                nouns={['asset', 'assets']}
                onPage={(p) => update({ page: p })}
                disabled={loading}
              />
            </section>
          )}
        </div>
        {/* A new asset usually needs a tag next, so creation opens its page. */}
        {canCreate && <NewAssetForm onCreated={(asset) => navigate(`/assets/${encodeURIComponent(String(asset.id))}`)} />}
      </div>
    </>
  );
}
