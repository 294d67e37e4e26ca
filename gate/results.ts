/**
 * Normalized results: Playwright's test cases → the TestResult records that triage, the gate,
 * the store and the reports read. Pure, so it is tested with plain objects shaped like
 * Playwright's; the reporter that feeds it is reporters/results.reporter.ts.
 */
import { relative, sep } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { clip, stripAnsi } from '../lib/text.ts';
import type { Attachment, Counts, SuiteName, TestError, TestOutcome, TestResult, TestStatus } from './types.ts';

/** The parts of Playwright's TestCase and TestResult that normalization reads. */
export interface PlaywrightCase {
  title: string;
  titlePath(): string[];
  location: { file: string; line: number };
  tags: string[];
  outcome(): TestOutcome;
  parent: PlaywrightSuite;
  results: PlaywrightAttempt[];
}
interface PlaywrightSuite {
  type?: string;
  location?: { file: string };
  parent?: PlaywrightSuite;
  project(): { name: string } | undefined;
}

/**
 * The spec file a test belongs to. Tests defined by shared journeys (tests/smoke/journeys.ts) have
 * the journey's file as their location; the spec that ran them is the file suite's.
 */
function specFile(test: PlaywrightCase): string {
  for (let s: PlaywrightSuite | undefined = test.parent; s; s = s.parent) {
    if (s.type === 'file' && s.location?.file) return s.location.file;
  }
  return test.location.file;
}
export interface PlaywrightAttempt {
  status: TestStatus;
  duration: number;
  startTime: Date;
  retry: number;
  error?: { message?: string; stack?: string; value?: string };
  errors?: { message?: string; stack?: string; value?: string }[];
  attachments: { name: string; contentType: string; path?: string }[];
}

const SUITE_OF_PROJECT: [RegExp, SuiteName][] = [
  [/^(ready|seed|auth|cleanup|runner)$/, 'setup'],
  [/^verify/, 'verify'],
  [/^smoke/, 'smoke'],
  [/^regression/, 'regression'],
  [/^demo/, 'demo'],
];

export function suiteOf(project: string): SuiteName {
  return SUITE_OF_PROJECT.find(([re]) => re.test(project))?.[1] ?? 'regression';
}

const posix = (p: string) => p.split(sep).join('/');

/** `<project> › <file under tests/> › <describe…> › <title>`: stable across runs and machines. */
export function testId(project: string, file: string, titlePath: string[]): string {
  return [project, file.replace(/^tests\//, ''), ...titlePath].join(' › ');
}

export function normalize(test: PlaywrightCase, root = REPO_ROOT): TestResult {
  const project = test.parent.project()?.name ?? '';
  const file = posix(relative(root, specFile(test)));
  // titlePath() is ['', project, file under testDir, …describes, title].
  const titlePath = test.titlePath().slice(3).filter(Boolean);
  const attempts = test.results;
  const last = attempts.at(-1);
  const failing = [...attempts].reverse().find((a) => a.status === 'failed' || a.status === 'timedOut');
  const outcome = last ? test.outcome() : 'skipped';
  // A flaky test keeps the errors of the attempt that failed: triage needs them.
  const errors = failing && (outcome === 'unexpected' || outcome === 'flaky') ? keptErrors(failing) : [];
  return {
    id: testId(project, file, titlePath),
    project,
    suite: suiteOf(project),
    file,
    line: test.location.line,
    titlePath,
    tags: [...new Set(test.tags)],
    status: last?.status ?? 'skipped',
    outcome,
    retries: Math.max(0, attempts.length - 1),
    durationMs: attempts.reduce((sum, a) => sum + a.duration, 0),
    startedAt: (attempts[0]?.startTime ?? new Date(0)).toISOString(),
    error: errors[0],
    ...(errors.length > 1 ? { errors } : {}),
    attachments: attempts.flatMap((a) =>
      a.attachments.map((x): Attachment => ({
        name: x.name,
        contentType: x.contentType,
        path: x.path ? posix(relative(root, x.path)) : undefined,
      })),
    ),
  };
}

/**
 * An error Playwright reported outside any test (a worker that died between tests, a crashed
 * global step): a failed result of the `runner` pseudo-project, so triage, the verdict and the
 * reports see it like any setup failure.
 */
export function outsideTestResult(
  error: { message?: string; stack?: string; value?: string; location?: { file: string; line: number } },
  index: number,
  startedAt: Date,
  root = REPO_ROOT,
): TestResult {
  const titlePath = ['errors outside any test', `error ${index + 1}`];
  const [kept] = keptErrors({ errors: [error] });
  return {
    id: testId('runner', '(outside tests)', titlePath),
    project: 'runner',
    suite: 'setup',
    file: error.location ? posix(relative(root, error.location.file)) : '',
    line: error.location?.line ?? 0,
    titlePath,
    tags: [],
    status: 'failed',
    outcome: 'unexpected',
    retries: 0,
    durationMs: 0,
    startedAt: startedAt.toISOString(),
    error: kept!,
    attachments: [],
  };
}

/** Errors kept per result, and how much of each: a call log can be megabytes. */
export const MAX_ERRORS = 5;
const MAX_MESSAGE = 4_000;
const MAX_STACK = 2_000;

/** Every error of an attempt (Playwright's `errors`; `error` is its first), bounded, colours removed. */
export function keptErrors(attempt: Pick<PlaywrightAttempt, 'error' | 'errors'>): TestError[] {
  const all = attempt.errors?.length ? attempt.errors : attempt.error ? [attempt.error] : [];
  return all.slice(0, MAX_ERRORS).map((e) => {
    const message = clip(stripAnsi(e.message ?? e.value ?? 'unknown error'), MAX_MESSAGE);
    return e.stack ? { message, stack: clip(stripAnsi(e.stack), MAX_STACK) } : { message };
  });
}

export const isFailure = (r: TestResult) => r.status === 'failed' || r.status === 'timedOut';

export function countResults(results: TestResult[], quarantined: Set<string> = new Set()): Counts {
  const c: Counts = { total: results.length, passed: 0, failed: 0, flaky: 0, skipped: 0, quarantined: 0 };
  for (const r of results) {
    if (r.outcome === 'flaky') c.flaky++;
    else if (isFailure(r)) c.failed++;
    else if (r.status === 'passed') c.passed++;
    else c.skipped++;
    if (quarantined.has(r.id) && isFailure(r)) c.quarantined++;
  }
  return c;
}

/**
 * Counts per key, in a stable order whatever order the results came in (shards and workers finish
 * in any order): by `rank` (lower first), then by name.
 */
export function countBy(
  results: TestResult[],
  key: (r: TestResult) => string,
  quarantined?: Set<string>,
  rank: (k: string) => number = () => 0,
): Record<string, Counts> {
  const groups = new Map<string, TestResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const keys = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, countResults(groups.get(k)!, quarantined)]));
}

const SUITE_RANK = ['setup', 'verify', 'smoke', 'regression', 'demo'];
/** Suites in the order a run goes through them: verify, smoke, regression, demo (others after). */
export const suiteRank = (suite: string) => (SUITE_RANK.includes(suite) ? SUITE_RANK.indexOf(suite) : SUITE_RANK.length);
