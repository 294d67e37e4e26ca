/**
 * gate/triage.world.json: real failure messages from public issue threads, each with its source
 * and the category DESIGN.md's definitions give it (decided before the rules ran). Nobody here
 * chose them: they show whether the rules cover a class of failure, not a list of strings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { classifyErrors } from '../gate/triage.ts';
import type { TestResult, TriageCategory } from '../gate/types.ts';
import { DEFAULT_POLICY } from '../config/policy.ts';
import { aResult } from './builders.ts';

export interface WorldRecord {
  source: string;
  project: string;
  file: string;
  message: string;
  expected: TriageCategory;
  /** An ambiguous record may take any of these. */
  acceptable?: TriageCategory[];
  note?: string;
}

export const loadWorldCorpus = (): WorldRecord[] =>
  (JSON.parse(readFileSync(join(REPO_ROOT, 'gate', 'triage.world.json'), 'utf8')) as { records: WorldRecord[] }).records;

/** The category the rules give a record, as a failed test of its project and spec. */
export function categoryOfRecord(r: WorldRecord): TriageCategory {
  const result: TestResult = aResult({
    project: r.project,
    file: r.file,
    titlePath: ['a test'],
    status: 'failed',
    error: { message: r.message },
  });
  return classifyErrors(result, { quarantine: undefined, flips: 0, policy: DEFAULT_POLICY }).rule.category;
}

export const recordPasses = (r: WorldRecord, got: TriageCategory) => got === r.expected || (r.acceptable ?? []).includes(got);
