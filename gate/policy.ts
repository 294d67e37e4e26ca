/**
 * The gate: results + triage + policy → PROMOTE | WARN | BLOCK | INCONCLUSIVE, with the reasons
 * and the tests that are their evidence. A pure function: no I/O, no clock (the caller passes
 * the quarantine already resolved against today's date).
 */
import { isFailure } from './results.ts';
import type { QuarantineIndex } from './quarantine.ts';
import { RULES } from './triage-rules.ts';
import type { Decision, Policy, Reason, TestResult, Triage, TriageCategory, Verdict } from './types.ts';
import { plural } from '../lib/text.ts';

export interface GateInput {
  results: TestResult[];
  triage: Triage;
  policy: Policy;
  quarantine: QuarantineIndex;
  /** The readiness step's message when the environment never became ready. */
  notReady?: string;
  /** The signal or cause when the run was stopped before the suites finished. */
  interrupted?: string;
  /** A step before the suites that failed (seed, verify setup), making the run untestable. */
  untestable?: { step: string; message: string; deploymentFault?: string };
}

const SEVERITY: Verdict[] = ['BLOCK', 'INCONCLUSIVE', 'WARN', 'PROMOTE'];
/** Steps before the suites' results exist: their failure means nothing was tested. */
const BEFORE_SUITES = new Set(['config', 'ready', 'seed', 'suites']);
/** Failures that say the run could not test the build: alone they never BLOCK. */
const COULD_NOT_TEST = new Set<TriageCategory>(['environment', 'infrastructure']);
const CRITICAL = new Set(['setup', 'verify', 'smoke']);
const list = (ids: string[], max = 3) => ids.slice(0, max).join('; ') + (ids.length > max ? `; …and ${ids.length - max} more` : '');

export function decide(input: GateInput): Decision {
  const { results, triage, policy, quarantine } = input;
  if (input.interrupted) {
    return {
      verdict: 'INCONCLUSIVE',
      reasons: [
        {
          rule: 'interrupted',
          verdict: 'INCONCLUSIVE',
          message: `The run was interrupted (${input.interrupted}) before the suites finished; nothing can be concluded.`,
          tests: [],
        },
      ],
    };
  }
  if (input.notReady) {
    return { verdict: 'INCONCLUSIVE', reasons: [{ rule: 'not-ready', verdict: 'INCONCLUSIVE', message: input.notReady, tests: [] }] };
  }
  if (input.untestable?.deploymentFault) {
    // The step broke and the deployment is shown to be why: a broken build, not an untested one.
    return {
      verdict: 'BLOCK',
      reasons: [
        {
          rule: 'deployment-broken',
          verdict: 'BLOCK',
          message: `The ${input.untestable.step} step failed because of the deployment: ${input.untestable.message}`,
          tests: [],
        },
      ],
    };
  }
  if (input.untestable) {
    return {
      verdict: 'INCONCLUSIVE',
      reasons: [
        {
          rule: 'untestable',
          verdict: 'INCONCLUSIVE',
          message: `The ${input.untestable.step} step failed, ${BEFORE_SUITES.has(input.untestable.step) ? 'so the suites could not run' : 'so the results could not be judged'}: ${input.untestable.message}`,
          tests: [],
        },
      ],
    };
  }

  const reasons: Reason[] = [];
  const category = new Map(triage.failures.map((f) => [f.testId, f.category]));
  const failures = results.filter(isFailure);
  const protectedBy = new Map(
    failures.flatMap((r) => {
      const q = quarantine.active(r.id);
      return q ? [[r.id, q] as const] : [];
    }),
  );
  const counted = failures.filter((r) => !protectedBy.has(r.id));

  // Expired quarantine entries no longer protect their tests: say so next to the failure.
  const expired = counted.flatMap((r) => {
    const q = quarantine.expired(r.id);
    return q ? [{ r, q }] : [];
  });
  for (const { r, q } of expired) {
    reasons.push({
      rule: 'quarantine-expired',
      verdict: 'BLOCK',
      message: `Quarantine of ${q.test} (${q.ticket}, ${q.owner}) expired on ${q.expires}; the failure counts again.`,
      tests: [r.id],
    });
  }

  // Could not test: the target (environment) or the runner (infrastructure) failed, not the build.
  const untested = counted.filter((r) => COULD_NOT_TEST.has(category.get(r.id) ?? 'product'));
  const tested = counted.filter((r) => !untested.includes(r));
  reasons.push(...couldNotTest(untested, category, triage));
  if (tested.length) {
    const deployment = tested.filter((r) => category.get(r.id) === 'deployment');
    if (deployment.length) {
      reasons.push({
        rule: 'deployment',
        verdict: 'BLOCK',
        message: `The deployment is not the one expected: ${list(
          deployment.map((r) => `${r.id}: ${headline(r)}`),
          2,
        )}.`,
        tests: deployment.map((r) => r.id),
      });
    }
    const critical = tested.filter((r) => CRITICAL.has(r.suite) && category.get(r.id) !== 'deployment');
    if (critical.length) {
      reasons.push({
        rule: 'critical-failed',
        verdict: 'BLOCK',
        message: `${plural(critical.length, 'verify/smoke test')} failed (every one must pass): ${list(critical.map((r) => r.id))}.`,
        tests: critical.map((r) => r.id),
      });
    }
  }

  const regression = results.filter(
    (r) => r.suite === 'regression' && r.status !== 'skipped' && r.status !== 'interrupted' && !protectedBy.has(r.id),
  );
  if (regression.length) {
    const failed = regression.filter((r) => isFailure(r) && !COULD_NOT_TEST.has(category.get(r.id) ?? 'product'));
    const rate = (regression.length - failed.length) / regression.length;
    if (rate < policy.minPassRate) {
      reasons.push({
        rule: 'pass-rate',
        verdict: 'BLOCK',
        message: `Regression pass rate ${pct(rate)} is below the required ${pct(policy.minPassRate)} (${failed.length} of ${regression.length} failed): ${list(failed.map((r) => r.id))}.`,
        tests: failed.map((r) => r.id),
      });
    }
  }

  const executed = results.filter((r) => r.suite !== 'setup' && r.status !== 'skipped' && r.status !== 'interrupted');
  if (executed.length < policy.minTests) {
    reasons.push({
      rule: 'min-tests',
      verdict: 'INCONCLUSIVE',
      message: `${plural(executed.length, 'test')} ran; at least ${policy.minTests} must run for a verdict.`,
      tests: [],
    });
  }

  const flaky = results.filter((r) => r.outcome === 'flaky');
  if (flaky.length) {
    const verdict: Verdict = policy.onRetryPass === 'block' ? 'BLOCK' : 'WARN';
    reasons.push({
      rule: 'retried',
      verdict,
      message: `${plural(flaky.length, 'test')} passed only on retry${verdict === 'BLOCK' ? ' (this environment blocks on that)' : ''}: ${list(flaky.map((r) => r.id))}.`,
      tests: flaky.map((r) => r.id),
    });
  }

  for (const [id, q] of protectedBy) {
    reasons.push({
      rule: 'quarantined',
      verdict: 'WARN',
      message: `Quarantined failure of ${id}: ${q.reason} (owner ${q.owner}, ${q.ticket}, until ${q.expires}).`,
      tests: [id],
    });
  }

  const verdict = SEVERITY.find((v) => reasons.some((r) => r.verdict === v)) ?? 'PROMOTE';
  if (verdict === 'PROMOTE') {
    const suites = [...new Set(executed.map((r) => r.suite))];
    reasons.push({
      rule: 'all-passed',
      verdict: 'PROMOTE',
      message: `All ${plural(executed.length, 'test')} passed (${suites.map((s) => `${s} ${executed.filter((r) => r.suite === s).length}`).join(', ')}).`,
      tests: [],
    });
  }
  reasons.sort((a, b) => SEVERITY.indexOf(a.verdict) - SEVERITY.indexOf(b.verdict));
  return { verdict, reasons };
}

/**
 * BLOCK reasons that no later result can take back: a deployment failure, a verify/smoke/setup
 * failure that is not the environment's or the runner's, an expired quarantine, a retry-pass
 * where the environment blocks on those. (The pass rate can still rise, so it is never certain.)
 */
const CERTAIN = new Set(['deployment', 'critical-failed', 'quarantine-expired', 'retried']);

/**
 * The reason a run is sure to BLOCK from the results it has so far (each final: retries done),
 * or undefined while it is not: the same decision as at the end, applied early. A run that goes
 * on to finish can only add reasons, and a BLOCK outranks every other verdict; only an
 * interruption or a broken step after this moment can still turn it INCONCLUSIVE.
 */
export function certainBlock(input: Pick<GateInput, 'results' | 'triage' | 'policy' | 'quarantine'>): Reason | undefined {
  if (!input.results.some(isFailure) && !input.results.some((r) => r.outcome === 'flaky')) return undefined;
  return decide(input).reasons.find((r) => r.verdict === 'BLOCK' && CERTAIN.has(r.rule));
}

const pct = (x: number) => `${(Math.floor(x * 1000) / 10).toString()}%`;
/** The error's first line, with Playwright's Expected/Received values when it has them. */
function headline(r: TestResult): string {
  const lines = (r.error?.message ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const value = (label: string) =>
    lines
      .find((l) => l.startsWith(`${label}:`))
      ?.slice(label.length + 1)
      .trim();
  const [expected, received] = [value('Expected'), value('Received')];
  const head = (lines[0] ?? 'failed').slice(0, 160);
  return expected !== undefined && received !== undefined && !head.includes(received)
    ? `${head} (expected ${expected}, received ${received})`
    : head;
}

/**
 * The reasons for failures that could not test the build: one for the target (environment) and
 * one for the runner (infrastructure, with what to do). INCONCLUSIVE: when they are all the
 * failures, that is the verdict; beside real failures, those still BLOCK.
 */
function couldNotTest(untested: TestResult[], category: Map<string, TriageCategory>, triage: Triage): Reason[] {
  const reasons: Reason[] = [];
  const env = untested.filter((r) => category.get(r.id) === 'environment');
  const infra = untested.filter((r) => category.get(r.id) === 'infrastructure');
  if (env.length) {
    reasons.push({
      rule: 'environmental',
      verdict: 'INCONCLUSIVE',
      message: `${env.length === untested.length && !infra.length ? `All ${plural(env.length, 'failure')} are` : `${plural(env.length, 'failure')} ${env.length === 1 ? 'is' : 'are'}`} environmental (the target could not be reached or answered 5xx): ${list(env.map((r) => r.id))}.`,
      tests: env.map((r) => r.id),
    });
  }
  if (infra.length) {
    const rules = new Map(triage.failures.map((f) => [f.testId, f.rule]));
    const hints = [...new Set(infra.map((r) => RULES.find((x) => x.name === rules.get(r.id))?.hint).filter((h): h is string => !!h))];
    reasons.push({
      rule: 'infrastructure',
      verdict: 'INCONCLUSIVE',
      message: `The test runner failed, not the build: ${plural(infra.length, 'failure')} of the runner's own machinery (${list(
        infra.map((r) => `${r.id}: ${headline(r)}`),
        2,
      )}). ${hints.length ? `${capitalize(hints.join('; '))}.` : 'Run again.'}`,
      tests: infra.map((r) => r.id),
    });
  }
  return reasons;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
