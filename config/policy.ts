/**
 * What an environment's gate asks of a run: which suites it runs and the policy its verdict
 * follows (defaults here; each environment's .env file may override them).
 */

/** The gate's rules for one environment (defaults: DEFAULT_POLICY; overrides in its .env file). */
export interface Policy {
  /** Regression pass rate required, 0–1, not counting quarantined tests. */
  minPassRate: number;
  /** Fewer executed tests than this is never a PROMOTE. */
  minTests: number;
  /** What a test that passed only on retry gives. */
  onRetryPass: 'warn' | 'block';
  /** Promotion *into* this environment accepts WARN evidence from the one before it. */
  acceptWarn: boolean;
  /** Evidence older than this does not allow a promotion into this environment. */
  promotionMaxAgeDays: number;
  /** A test is flaky when its status flipped in at least `flakyFlips` of the last `flakyWindow` runs. */
  flakyFlips: number;
  flakyWindow: number;
}

export const SUITE_CHOICES = ['smoke', 'regression', 'demo'] as const;
export type SuiteChoice = (typeof SUITE_CHOICES)[number];

/** The gate's defaults; each can be overridden per environment (MIN_PASS_RATE, MIN_TESTS, …). */
export const DEFAULT_POLICY: Policy = {
  minPassRate: 1,
  minTests: 1,
  onRetryPass: 'warn',
  acceptWarn: true,
  promotionMaxAgeDays: 7,
  flakyFlips: 2,
  flakyWindow: 10,
};

/** `smoke,regression` → ['smoke', 'regression']; undefined when invalid. `demo` runs alone. */
export function parseSuites(value: string): SuiteChoice[] | undefined {
  const parts = [
    ...new Set(
      value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  if (!parts.length || parts.some((p) => !(SUITE_CHOICES as readonly string[]).includes(p))) return undefined;
  if (parts.includes('demo') && parts.length > 1) return undefined;
  return parts as SuiteChoice[];
}
