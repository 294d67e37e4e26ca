import type { ApiError } from '../api/client';

// Errors are rendered only when present: an always-mounted empty alert would still match
// getByRole('alert') and confuse both screen readers and tests.
export function ErrorAlert({ error, onRetry }: { error: ApiError | string | undefined; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      <span>{typeof error === 'string' ? error : error.message}</span>
      {onRetry && (
        <button type="button" className="button button-small button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

// Loading text deliberately has no role="status": pages use that role for outcomes
// ("Linked …", the verify result) and two status regions at once would be ambiguous.
export function Loading({ label }: { label: string }) {
  return <p className="loading">{label}</p>;
}
