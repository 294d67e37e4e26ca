/**
 * No step escapes without a verdict: an error nobody planned for (a bug, a driver's surprise, a
 * schema the seeder did not foresee) becomes the failure of the step it broke, and the run goes
 * on to cleanup, a verdict, a record and its reports. The self-tests inject such an error into
 * each step in turn (TOLLGATE_SELFTEST_FAIL_STEP).
 */
import type { StepName } from '../gate/types.ts';
import { firstLine } from '../lib/text.ts';
import type { Untestable } from './rules.ts';

/** Test-only: TOLLGATE_SELFTEST_FAIL_STEP=<step> makes that step throw an unplanned error. */
export function injectedFailure(step: StepName, env: NodeJS.ProcessEnv = process.env): void {
  if (env.TOLLGATE_SELFTEST_FAIL_STEP === step)
    throw new Error(`injected failure in the ${step} step (TOLLGATE_SELFTEST_FAIL_STEP=${step})`);
}

/** What an unplanned error says about its step: the step and the error's first line. */
export function unexpected(step: StepName, e: unknown): Untestable {
  const err = e as { message?: unknown; name?: string } | undefined;
  const line = firstLine(String(err?.message ?? e ?? ''), { max: 300 }) || err?.name || 'unknown error';
  return { step, message: `unexpected error in the ${step} step: ${line}` };
}
