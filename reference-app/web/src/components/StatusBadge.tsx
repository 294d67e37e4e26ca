import type { TagStatus, VerifyOutcome } from '../api/types';
import { hasFault } from '../config';

interface StatusBadgeProps {
  status: TagStatus | VerifyOutcome;
  testId?: string;
}

// The text is the raw API value; CSS capitalises it for display and colours it by status.
export function StatusBadge({ status, testId }: StatusBadgeProps) {
  // Fault status_labels_swapped: a label-map typo, a revoked badge reads "active" (its colour and hook stay revoked).
  const label = hasFault('status_labels_swapped') && status === 'revoked' ? 'active' : status;
  return (
    <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>
      {label}
    </span>
  );
}
