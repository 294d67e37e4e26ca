import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../hooks/useAction';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/tagtrust';
import type { AssetDetail } from '../api/types';
import { hasRole, useAuth } from '../auth/AuthContext';
import { ErrorAlert, Loading } from '../components/Feedback';
import { StatusBadge } from '../components/StatusBadge';
import { hasFault } from '../config';
import { formatDate, formatDateTime, normaliseCode, orDash } from '../format';
import { useResource } from '../hooks/useResource';
import { useTitle } from '../hooks/useTitle';

type Outcome = { kind: 'success' | 'error'; text: string } | null;

function Details({ asset }: { asset: AssetDetail }) {
  const rows: [string, string][] = [
    ['SKU', asset.sku],
    ['Lot', orDash(asset.lot)],
    ['Manufacturer', asset.manufacturer],
    ['Location', orDash(asset.location)],
    ['Manufactured on', formatDate(asset.manufactured_on)],
    ['Created', formatDateTime(asset.created_at)],
  ];
  return (
    <dl className="details card">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          {/* Fault web_renders_markup: the "rich text" regression, data rendered as HTML. */}
          {hasFault('web_renders_markup') ? <dd dangerouslySetInnerHTML={{ __html: value }} /> : <dd>{value}</dd>}
        </div>
      ))}
    </dl>
  );
}

interface LinkedTagsProps {
  asset: AssetDetail;
  canEdit: boolean;
  busy: boolean;
  onUnlink: (code: string) => void;
}

function LinkedTags({ asset, canEdit, busy, onUnlink }: LinkedTagsProps) {
  return (
    <>
      <h2 id="linked-tags-heading">Linked tags</h2>
      {/* The list stays mounted when empty so "Linked tags" always resolves to a list. */}
      <ul className="tag-list" aria-labelledby="linked-tags-heading">
        {asset.tags.map((tag) => (
          <li key={tag.id}>
            <Link className="mono" to={`/tags/${encodeURIComponent(tag.code)}`}>
              {tag.code}
            </Link>
            <StatusBadge status={tag.status} />
            {canEdit && (
              <button type="button" className="button button-small button-secondary" disabled={busy} onClick={() => onUnlink(tag.code)}>
                Unlink<span className="visually-hidden"> {tag.code}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {asset.tags.length === 0 && <p className="muted">No tags are linked to this asset.</p>}
    </>
  );
}

function LinkForm({ busy, onLink }: { busy: boolean; onLink: (code: string) => Promise<boolean> }) {
  const inputId = useId();
  const [code, setCode] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onLink(normaliseCode(code))) setCode('');
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <div className="field field-grow">
        <label htmlFor={inputId}>Tag code</label>
        <input
          id={inputId}
          className="mono"
          placeholder="TT-XXXX-XXXX-C"
          autoComplete="off"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </div>
      {/* Fault link_button_missing: the button is gone (Enter in the field still submits). */}
      {!hasFault('link_button_missing') && (
        <button type="submit" className="button button-primary" disabled={busy}>
          Link tag
        </button>
      )}
    </form>
  );
}

export function AssetDetailPage() {
  const id = useParams().id ?? '';
  const { user } = useAuth();
  const canEdit = hasRole(user, 'operator');
  const { data, error, loading, reload } = useResource((signal) => api.asset(id, signal), [id]);
  useTitle(data?.name ?? 'Asset');
  const { busy, error: failed, run, fail } = useAction('Something went wrong.');
  const [succeeded, setSucceeded] = useState('');
  const outcome: Outcome = failed ? { kind: 'error', text: failed } : succeeded ? { kind: 'success', text: succeeded } : null;

  // Runs a link change and reports it; resolves true on success.
  const change = async (action: () => Promise<unknown>, success: string): Promise<boolean> => {
    setSucceeded('');
    const ok = await run(action);
    if (ok) {
      setSucceeded(success);
      reload();
    }
    return ok;
  };

  const onLink = (code: string) => {
    if (code === '') {
      setSucceeded('');
      fail('Enter a tag code to link.');
      return Promise.resolve(false);
    }
    return change(() => api.linkTag(id, code), `Linked ${code}`);
  };
  const onUnlink = (code: string) => void change(() => api.unlinkTag(id, code), `Unlinked ${code}`);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/assets">← Asset list</Link>
      </p>
      <div className="page-header">
        <h1>{data?.name ?? 'Asset'}</h1>
      </div>
      <ErrorAlert error={error} onRetry={error?.status === 404 ? undefined : reload} />
      {loading && !data && <Loading label="Loading asset…" />}
      {data && (
        <>
          <Details asset={data} />
          <section className="card section" aria-busy={loading}>
            {outcome && (
              <p className={`alert alert-${outcome.kind}`} role={outcome.kind === 'error' ? 'alert' : 'status'}>
                {outcome.text}
              </p>
            )}
            <LinkedTags asset={data} canEdit={canEdit} busy={busy} onUnlink={onUnlink} />
            {canEdit && <LinkForm busy={busy} onLink={onLink} />}
          </section>
        </>
      )}
    </>
  );
}
