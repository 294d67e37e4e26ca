/**
 * Builders of the plain data that flows through a run — normalized results, run records, past
 * runs — for unit tests and self-tests. One default for every field, so a test names only what
 * it is about. Tests only: production code never imports testing/ (the layering check says so).
 */
import { suiteOf, testId } from '../gate/results.ts';
import type { Counts, HistoryRun, RunRecord, TestResult, TestStatus } from '../gate/types.ts';

export const ZERO_COUNTS: Counts = { total: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, quarantined: 0 };

const outcomeOf = (status: TestStatus): TestResult['outcome'] =>
  status === 'passed' ? 'expected' : status === 'skipped' || status === 'interrupted' ? 'skipped' : 'unexpected';

/**
 * A normalized result. The id follows from project, file and title path unless given; the suite
 * from the project; the outcome from the status. `message` gives a failed result its error.
 */
export function aResult(over: Partial<TestResult> & { message?: string } = {}): TestResult {
  const { message, ...rest } = over;
  const project = rest.project ?? 'smoke-api';
  const file = rest.file ?? 'tests/smoke/api/verify.spec.ts';
  const titlePath = rest.titlePath ?? ['verify API', 'a genuine tag'];
  const status = rest.status ?? 'passed';
  return {
    id: testId(project, file, titlePath),
    project,
    suite: suiteOf(project),
    file,
    line: 10,
    titlePath,
    tags: [],
    status,
    outcome: outcomeOf(status),
    retries: 0,
    durationMs: 120,
    startedAt: '2026-11-22T07:15:01.000Z',
    attachments: [],
    ...(message !== undefined && status !== 'passed' ? { error: { message } } : {}),
    ...rest,
  };
}

/** Counts as the gate computes them (flaky apart, skipped for the rest). */
export function countsOf(results: TestResult[]): Counts {
  const failed = (r: TestResult) => r.status === 'failed' || r.status === 'timedOut';
  return {
    total: results.length,
    passed: results.filter((r) => r.status === 'passed' && r.outcome !== 'flaky').length,
    failed: results.filter(failed).length,
    flaky: results.filter((r) => r.outcome === 'flaky').length,
    skipped: results.filter((r) => r.status === 'skipped' || r.status === 'interrupted').length,
    quarantined: 0,
  };
}

/** A run record of build 3f2c1a9 in staging that PROMOTEs, with the results given (counts follow). */
export function aRun(over: Partial<RunRecord> = {}): RunRecord {
  const results = over.results ?? [];
  return {
    runId: 'tg_20261122070000_abcdef',
    environment: 'staging',
    build: '3f2c1a9',
    suites: ['smoke'],
    startedAt: '2026-11-22T07:00:00.000Z',
    finishedAt: '2026-11-22T07:04:00.000Z',
    durationMs: 240_000,
    steps: [],
    verdict: 'PROMOTE',
    reasons: [],
    counts: countsOf(results),
    countsBySuite: {},
    countsByProject: {},
    results,
    triage: { failures: [], groups: [] },
    target: { webURL: 'http://127.0.0.1:18080', apiURL: 'http://127.0.0.1:18080/api' },
    ...over,
  };
}

/** A past run as history gives it; `statuses` maps test ids to what they did then. */
export function aHistoryRun(statuses: Record<string, TestStatus | [TestStatus, string]> = {}, over: Partial<HistoryRun> = {}): HistoryRun {
  return {
    runId: 'tg_20261121070000_past01',
    environment: 'staging',
    build: 'b-past',
    verdict: 'PROMOTE',
    startedAt: '2026-11-21T07:00:00.000Z',
    durationMs: 200_000,
    counts: ZERO_COUNTS,
    results: Object.fromEntries(
      Object.entries(statuses).map(([id, v]) => {
        const [status, signature] = Array.isArray(v) ? v : [v, undefined];
        return [id, { status, outcome: outcomeOf(status), ...(signature ? { signature } : {}) }];
      }),
    ),
    ...over,
  };
}
