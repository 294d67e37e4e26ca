import type { TagStatus, VerifyOutcome } from '../api/types';

interface StatusBadgeProps {
  status: TagStatus | VerifyOutcome;
  testId?: string;
}

// The text stays the raw API value (tests compare it); CSS capitalises it for display.
export function StatusBadge({ status, testId }: StatusBadgeProps) {
  return (
    <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>
      {status}
    </span>
  );
}
