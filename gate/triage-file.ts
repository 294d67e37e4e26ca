/**
 * Triage of a run nobody triaged (plain Playwright with a run id), from its results.json: the
 * quarantine applies, but without history nothing is flaky by flips or recurring. For rebuilding
 * a report (`tollgate report`); `tollgate run` triages with history.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '../config/policy.ts';
import { loadQuarantine, quarantineIndex, type QuarantineIndex } from './quarantine.ts';
import { triage } from './triage.ts';
import type { TestResult, Triage } from './types.ts';

/** Undefined when the run has no readable results.json. */
export function triageWithoutHistory(runDir: string, env: NodeJS.ProcessEnv = process.env): Triage | undefined {
  const file = join(runDir, 'results.json');
  if (!existsSync(file)) return undefined;
  let raw: TestResult[] | { results: TestResult[] };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as TestResult[] | { results: TestResult[] };
  } catch {
    return undefined;
  }
  let quarantined: QuarantineIndex['active'] = () => undefined;
  try {
    quarantined = quarantineIndex(loadQuarantine(env.TOLLGATE_QUARANTINE_FILE || undefined), new Date()).active;
  } catch {
    // An invalid quarantine file: `tollgate run` reports it; the report goes without.
  }
  return triage(Array.isArray(raw) ? raw : raw.results, [], {
    runId: '',
    build: '',
    at: new Date().toISOString(),
    quarantined,
    owners: [],
    policy: DEFAULT_POLICY,
  });
}
