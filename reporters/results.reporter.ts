/**
 * Writes this run's normalized results (gate/results.ts) to the run contract's resultsFile, default
 * reports/playwright/normalized.json, for the steps after the suites: triage, gate, record,
 * publish. Written once at the end, to a temporary file renamed into place, so a reader never
 * sees half a file. With the contract's eventsFile, each test's final result (its retries done) is
 * also appended there as one JSON line the moment it ends: `tollgate run` reads them while the
 * suites run, to know a BLOCK as soon as it is certain (pipeline/early.ts).
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { normalize, outsideTestResult, type PlaywrightCase } from '../gate/results.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { readContract } from '../config/run-contract.ts';

export const resultsFile = (env: NodeJS.ProcessEnv = process.env) =>
  resolve(REPO_ROOT, readContract(env).resultsFile || join('reports', 'playwright', 'normalized.json'));

export default class ResultsReporter implements Reporter {
  private suite?: Suite;
  /** Errors outside any test (a worker that died between tests): results of the `runner` pseudo-project. */
  private readonly errors: TestError[] = [];
  private readonly events = readContract().eventsFile;

  printsToStdio() {
    return false;
  }

  onBegin(_config: unknown, suite: Suite) {
    this.suite = suite;
  }

  onTestEnd(test: TestCase, result: TestResult) {
    const { events } = this;
    // Final: not interrupted, and either as expected (passed, skipped, flaky) or out of retries.
    if (!events || result.status === 'interrupted' || (test.outcome() === 'unexpected' && result.retry < test.retries)) return;
    appendFileSync(events, `${JSON.stringify(normalize(test as unknown as PlaywrightCase))}\n`);
  }

  onError(error: TestError) {
    this.errors.push(error);
  }

  onEnd(result: FullResult) {
    if (!this.suite) return;
    const file = resultsFile();
    mkdirSync(dirname(file), { recursive: true });
    const body = {
      runId: readContract().runId,
      status: result.status,
      startedAt: result.startTime.toISOString(),
      durationMs: result.duration,
      results: [
        ...this.suite.allTests().map((t) => normalize(t as unknown as PlaywrightCase)),
        ...this.errors.map((e, i) => outsideTestResult(e, i, result.startTime)),
      ],
    };
    writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }
}
