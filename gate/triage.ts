/**
 * Triage: every failure (and every pass that needed a retry) gets a category from the ordered
 * rules in triage-rules.ts, then failures are grouped by category and normalized signature,
 * each group with its owner and the run where it was first seen. Pure: results, history and
 * context in, a Triage out. History is indexed once, so 10,000 failures stay well under 1 s.
 *
 * A failure may carry several errors (a test timeout, then the call it interrupted with the
 * actual cause): each is classified and the earliest rule any of them matches wins; that error
 * gives the failure its signature. Flakiness is a property of the test on one build: flips are
 * counted among runs of the same build only, so a failure that arrives with a new build is a
 * regression, never "flaky".
 */
import { ownerIndex, type OwnerRule } from './owners.ts';
import { exampleOf, signatureOf } from './signature.ts';
import { RULES, type RuleInput, type TriageRule } from './triage-rules.ts';
import { stripAnsi } from '../lib/text.ts';
import type {
  ClassifiedFailure,
  FailureGroup,
  HistoryRun,
  Novelty,
  Policy,
  QuarantineEntry,
  TestError,
  TestResult,
  TestStatus,
  Triage,
} from './types.ts';

export { loadOwners, OWNERS_FILE, type OwnerRule } from './owners.ts';
export { signatureOf } from './signature.ts';
export { RULES, type TriageRule } from './triage-rules.ts';

export interface TriageContext {
  runId: string;
  build: string;
  at: string;
  /** Only unexpired entries; given by the caller. */
  quarantined: (testId: string) => QuarantineEntry | undefined;
  /** From config/owners.json; the first match wins. */
  owners: OwnerRule[];
  policy: Pick<Policy, 'flakyFlips' | 'flakyWindow'>;
}

const FAILED = new Set<TestStatus>(['failed', 'timedOut']);

/** Failed or timed out after retries, or passed only on a retry. */
export const needsTriage = (r: TestResult) => FAILED.has(r.status) || r.outcome === 'flaky';

/** Pass (true), fail (false), or did not run (undefined): what flips and novelty look at. */
function passFail(status: TestStatus | undefined): boolean | undefined {
  if (status === 'passed') return true;
  if (status && FAILED.has(status)) return false;
  return undefined;
}

export function countFlips(statuses: (TestStatus | undefined)[]): number {
  let flips = 0;
  let last: boolean | undefined;
  for (const s of statuses) {
    const p = passFail(s);
    if (p === undefined) continue;
    if (last !== undefined && p !== last) flips++;
    last = p;
  }
  return flips;
}

/** `new` when the test passed the last time it ran in this environment, or never ran here. */
function noveltyOf(testId: string, history: HistoryRun[]): Novelty {
  for (const run of history) {
    const p = passFail(run.results[testId]?.status);
    if (p !== undefined) return p ? 'new' : 'recurring';
  }
  return 'new';
}

function matches(rule: TriageRule, input: RuleInput): boolean {
  const m = rule.match;
  if (m) {
    const r = input.result;
    if (m.message && !m.message.test(input.message)) return false;
    if (m.stack && !m.stack.test(input.stack ?? '')) return false;
    if (m.project && !m.project.test(r.project)) return false;
    if (m.file && !m.file.test(r.file)) return false;
    if (m.titlePath && !m.titlePath.test(r.titlePath.join(' › '))) return false;
  }
  return rule.when ? rule.when(input) : true;
}

/** The first rule of `rules` that matches; the last rule of RULES matches everything. */
export function classify(input: RuleInput, rules: readonly TriageRule[] = RULES): TriageRule {
  return rules.find((rule) => matches(rule, input)) ?? RULES[RULES.length - 1]!;
}

/** Every error of a result (the first alone when the results predate `errors`). */
export function errorsOf(result: TestResult): TestError[] {
  if (result.errors?.length) return result.errors;
  return result.error ? [result.error] : [{ message: '' }];
}

/**
 * The deciding error of a failure and its rule: each error is classified, and the earliest rule
 * in the table wins (the most specific cause: a refused connection behind a test timeout).
 */
export function classifyErrors(
  result: TestResult,
  base: Omit<RuleInput, 'result' | 'message' | 'stack' | 'errors'>,
  rules: readonly TriageRule[] = RULES,
): { rule: TriageRule; error: TestError } {
  const errors = errorsOf(result);
  const messages = errors.map((e) => stripAnsi(e.message));
  let best: { rule: TriageRule; error: TestError; index: number } | undefined;
  errors.forEach((error, i) => {
    const rule = classify({ ...base, result, message: messages[i]!, stack: stripAnsi(error.stack ?? ''), errors: messages }, rules);
    const index = rules.indexOf(rule) < 0 ? rules.length : rules.indexOf(rule);
    if (!best || index < best.index) best = { rule, error, index };
  });
  return best!;
}

/** The runs a flip counts in: the same build's, newest first, at most the window before this run. */
export function flipWindow(history: HistoryRun[], build: string, windowSize: number): HistoryRun[] {
  return history.filter((run) => run.build === build).slice(0, Math.max(0, windowSize - 1));
}

export function triage(results: TestResult[], history: HistoryRun[], ctx: TriageContext): Triage {
  const window = flipWindow(history, ctx.build, ctx.policy.flakyWindow);
  // The oldest run (highest index: history is newest first) where each triaged test failed,
  // per signature: history is indexed once, for the tests that need it, not scanned per failure.
  const firstFailed = new Map<string, Map<string, number>>();
  for (const r of results) if (needsTriage(r)) firstFailed.set(r.id, new Map());
  history.forEach((run, i) => {
    for (const [id, bySignature] of firstFailed) {
      const past = run.results[id];
      if (past?.signature && FAILED.has(past.status)) bySignature.set(past.signature, i);
    }
  });
  const ownerOf = ownerIndex(ctx.owners);
  const signatures = new Map<string, string>(); // the same message often fails many tests
  const failures: ClassifiedFailure[] = [];
  const groups = new Map<string, FailureGroup & { oldest?: number }>();

  for (const result of results) {
    if (!needsTriage(result)) continue;
    const flips = countFlips([result.status, ...window.map((run) => run.results[result.id]?.status)]);
    const { rule, error } = classifyErrors(result, { quarantine: ctx.quarantined(result.id), flips, policy: ctx.policy });
    const raw = error.message;
    let signature = signatures.get(raw);
    if (signature === undefined) signatures.set(raw, (signature = signatureOf(raw)));
    const novelty = rule.category === 'product' ? noveltyOf(result.id, history) : undefined;
    failures.push({ testId: result.id, category: rule.category, rule: rule.name, signature, ...(novelty ? { novelty } : {}) });

    const key = `${rule.category}\u0000${signature}`;
    let group = groups.get(key);
    if (!group) {
      const owner = ownerOf(result.file);
      group = {
        category: rule.category,
        signature,
        count: 0,
        tests: [],
        firstSeen: { build: ctx.build, runId: ctx.runId, at: ctx.at },
        ...(owner ? { owner } : {}),
        example: exampleOf(raw),
      };
      groups.set(key, group);
    }
    group.count++;
    group.tests.push(result.id);
    // A cause that failed before for any of its tests is not new.
    if (novelty) group.novelty = group.novelty === 'recurring' || novelty === 'recurring' ? 'recurring' : 'new';
    const before = firstFailed.get(result.id)!.get(signature);
    if (before !== undefined && (group.oldest === undefined || before > group.oldest)) group.oldest = before;
  }

  return {
    failures,
    // Biggest first; a stable sort keeps the order of first appearance among equals.
    groups: [...groups.values()]
      .sort((a, b) => b.count - a.count)
      .map(({ oldest, ...g }) => {
        const run = oldest === undefined ? undefined : history[oldest]!;
        return run ? { ...g, firstSeen: { build: run.build, runId: run.runId, at: run.startedAt } } : g;
      }),
  };
}
