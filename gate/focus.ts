/**
 * A focused run (`tollgate run --grep`): only the tests whose title matches run (setup projects
 * still run in full). It reproduces one failure in a minute, or checks the harness's own wiring;
 * its verdict covers only what ran, so it says so everywhere and is never promotion evidence.
 */
import type { Reason, Verdict } from './types.ts';

export const FOCUSED_RULE = 'focused';

/** Why a --grep value cannot be used, or undefined. Playwright reads it as a JavaScript regular expression. */
export function grepProblem(value: string): string | undefined {
  if (!value.trim()) return '--grep needs a pattern, e.g. --grep "verify page".';
  try {
    new RegExp(value);
    return undefined;
  } catch (e) {
    return `--grep "${value}" is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}.`;
  }
}

export const focusNote = (grep: string) =>
  `focused run: only tests matching /${grep}/ ran (--grep); the verdict covers those alone and is not promotion evidence`;

/** The reason a focused run's record carries (last, it changes no verdict), so promotion can refuse it as evidence. */
export const focusReason = (grep: string, verdict: Verdict): Reason => ({
  rule: FOCUSED_RULE,
  verdict,
  message: `Focused run: only tests matching /${grep}/ ran (--grep).`,
  tests: [],
});

export const isFocused = (run: { reasons?: Reason[] }) => !!run.reasons?.some((r) => r.rule === FOCUSED_RULE);
