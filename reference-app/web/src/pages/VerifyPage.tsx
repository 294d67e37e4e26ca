import { useId, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/tagtrust';
import type { VerifyResult } from '../api/types';
import { ErrorAlert, Loading } from '../components/Feedback';
import { hasFault } from '../config';
import { formatDateTime, normaliseCode } from '../format';
import { useResource } from '../hooks/useResource';
import { useTitle } from '../hooks/useTitle';

const HEADINGS = { genuine: 'Genuine tag', revoked: 'Revoked tag', unknown: 'Unknown tag' } as const;

function VerifyForm({ initial }: { initial: string }) {
  const inputId = useId();
  const hintId = useId();
  const navigate = useNavigate();
  const [code, setCode] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const normalised = normaliseCode(code);
    if (normalised) navigate(`/verify/${encodeURIComponent(normalised)}`);
  };
  return (
    <form className="verify-form" onSubmit={submit}>
      <div className="field field-grow">
        <label htmlFor={inputId}>Tag code</label>
        <input
          id={inputId}
          className="mono input-large"
          placeholder="TT-XXXX-XXXX-C"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={hintId}
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <span className="hint" id={hintId}>
          The code printed next to the tag, for example TT-7K3M-Q9PD-D.
        </span>
      </div>
      {/* Fault verify_button_missing: the form loses its only button. */}
      {!hasFault('verify_button_missing') && (
        <button type="submit" className="button button-primary button-large">
          Verify
        </button>
      )}
    </form>
  );
}

function Outcome({ result }: { result: VerifyResult }) {
  return (
    <div className={`verify-result verify-${result.result}`} role="status" data-testid="verify-result" data-result={result.result}>
      <h2>{HEADINGS[result.result] ?? HEADINGS.unknown}</h2>
      <p className="mono verify-code">{result.code}</p>
      {result.result === 'genuine' && (
        <>
          <p>This tag is registered and in good standing.</p>
          {result.asset ? (
            <dl className="details details-compact">
              <div>
                <dt>Asset</dt>
                <dd>{result.asset.name}</dd>
              </div>
              <div>
                <dt>Manufacturer</dt>
                <dd>{result.asset.manufacturer ?? '—'}</dd>
              </div>
            </dl>
          ) : (
            <p className="muted">The tag is not attached to an asset yet.</p>
          )}
        </>
      )}
      {result.result === 'revoked' && (
        <>
          <p>This tag has been revoked and must not be trusted.</p>
          <dl className="details details-compact">
            <div>
              <dt>Revoked on</dt>
              <dd>{formatDateTime(result.revoked_at ?? result.tag?.revoked_at)}</dd>
            </div>
            <div>
              <dt>Reason</dt>
              <dd>{result.reason ?? result.tag?.revoked_reason ?? '—'}</dd>
            </div>
          </dl>
        </>
      )}
      {result.result === 'unknown' && <p>No tag with this code is registered. The item may not be authentic.</p>}
    </div>
  );
}

function Result({ code }: { code: string }) {
  const { data, error, loading, reload } = useResource((signal) => api.verify(code, signal), [code]);
  if (error) return <ErrorAlert error={error} onRetry={reload} />;
  if (loading || !data) return <Loading label={`Checking ${code}…`} />;
  return <Outcome result={data} />;
}

// Public: works signed out. Each visit to /verify/<code> is one recorded verification.
export function VerifyPage() {
  const code = useParams().code ?? '';
  useTitle(code ? `Verify ${code}` : 'Verify a tag');
  return (
    <div className="verify-page">
      <section className="card verify-card" aria-labelledby="verify-heading">
        <h1 id="verify-heading">Verify a tag</h1>
        <p className="muted">Enter the code on the tag to check whether it is genuine.</p>
        {/* Keyed by code so the field shows the code being checked after navigation. */}
        <VerifyForm key={code} initial={code} />
      </section>
      {code && <Result key={code} code={code} />}
    </div>
  );
}
