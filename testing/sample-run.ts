/** Plain run records for the store's and the spool's tests (unit and self-tests). */
import type { Counts, RunRecord, TestResult } from '../gate/types.ts';
import { aResult } from './builders.ts';

export const sampleResult = (title: string, over: Partial<TestResult> = {}): TestResult =>
  aResult({ titlePath: ['verify API', title], line: 12, tags: ['@smoke'], status: 'passed', outcome: 'expected', ...over });

/** A run of `build` in `environment`; `minutesAgo` sets its start relative to `now`. */
export function sampleRun(over: Partial<RunRecord> & { minutesAgo?: number; now?: Date } = {}): RunRecord {
  const { minutesAgo = 0, now = new Date('2026-11-22T07:15:00Z'), ...rest } = over;
  const started = new Date(now.getTime() - minutesAgo * 60_000);
  const stamp = started.toISOString().replace(/\D/g, '').slice(0, 14);
  const results = rest.results ?? [
    sampleResult('a genuine tag'),
    sampleResult('a revoked tag', { status: 'failed', outcome: 'unexpected', error: { message: 'expected "revoked", got "genuine"' } }),
    sampleResult('an unknown tag', { status: 'passed', outcome: 'flaky', retries: 1 }),
  ];
  const counts: Counts = {
    total: results.length,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    flaky: results.filter((r) => r.outcome === 'flaky').length,
    skipped: 0,
    quarantined: 0,
  };
  return {
    runId: `tg_${stamp}_${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`,
    environment: 'staging',
    build: '3f2c1a9',
    suites: ['smoke'],
    seed: 4242,
    startedAt: started.toISOString(),
    finishedAt: new Date(started.getTime() + 90_000).toISOString(),
    durationMs: 90_000,
    steps: [{ name: 'suites', status: 'ok', durationMs: 80_000, detail: '3 tests' }],
    verdict: 'BLOCK',
    reasons: [
      { rule: 'critical-failed', verdict: 'BLOCK', message: '1 critical test failed: a revoked tag', tests: [results[1]?.id ?? ''] },
    ],
    counts,
    countsBySuite: { smoke: counts },
    countsByProject: { 'smoke-api': counts },
    results,
    triage: {
      failures: results[1]
        ? [{ testId: results[1].id, category: 'product', rule: 'assertion', signature: 'expected <s>, got <s>', novelty: 'new' }]
        : [],
      groups: results[1]
        ? [
            {
              category: 'product',
              signature: 'expected <s>, got <s>',
              count: 1,
              tests: [results[1].id],
              novelty: 'new',
              firstSeen: { build: '3f2c1a9', runId: 'tg_x', at: started.toISOString() },
              example: 'expected "revoked", got "genuine"',
            },
          ]
        : [],
    },
    target: { webURL: 'https://staging.example.com', apiURL: 'https://staging.example.com/api' },
    ci: { provider: 'github', runUrl: 'https://github.com/o/r/actions/runs/1', actor: 'alice' },
    ...rest,
  };
}
