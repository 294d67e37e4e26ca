/**
 * gate/triage.fixtures.json: real failure messages captured from fault runs
 * (scripts/capture-triage-fixtures.ts), each with the category a human gives it. The triage
 * rules, signatures and Allure categories are tested against them; the triage bench varies them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import type { TriageCategory } from '../gate/types.ts';

export const TRIAGE_FIXTURES_FILE = join(REPO_ROOT, 'gate', 'triage.fixtures.json');

/** One stored fixture: a real failure and the category a human gives it. */
export interface TriageFixture {
  /** The fault switch, or what else was broken (e.g. `api_stopped`, `manifest_truncated`). */
  fault: string;
  test: string;
  project: string;
  file: string;
  titlePath: string[];
  status: 'failed' | 'timedOut';
  message: string;
  /** First lines of the stack, when the message alone does not say where it came from. */
  stack?: string;
  expectedCategory: TriageCategory;
  /** Why the category is not the obvious one, when it is not. */
  note?: string;
}

export const loadTriageFixtures = (): TriageFixture[] => JSON.parse(readFileSync(TRIAGE_FIXTURES_FILE, 'utf8')) as TriageFixture[];
