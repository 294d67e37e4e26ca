// One user action at a time (a form submit, a link change): busy while it runs, and the API's
// message (and per-field messages) when it fails, so every form handles failure the same way.
import { useState } from 'react';
import { ApiError } from '../api/client';

interface Failure {
  message: string;
  fields: Record<string, string>;
}

const NONE: Failure = { message: '', fields: {} };

export interface Action {
  busy: boolean;
  /** The failure's message, '' when the last run succeeded or none ran. */
  error: string;
  fields: Record<string, string>;
  /** Runs `action`; resolves true when it succeeded. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  /** Reports a failure found before calling the API. */
  fail: (message: string) => void;
}

export function useAction(fallbackMessage: string): Action {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure>(NONE);

  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setFailure(NONE);
    setBusy(true);
    try {
      await action();
      return true;
    } catch (err) {
      setFailure(err instanceof ApiError ? { message: err.message, fields: err.fields } : { message: fallbackMessage, fields: {} });
      return false;
    } finally {
      setBusy(false);
    }
  };

  return { busy, error: failure.message, fields: failure.fields, run, fail: (message) => setFailure({ message, fields: {} }) };
}
