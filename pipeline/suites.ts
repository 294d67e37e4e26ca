/**
 * Steps 4 and 5, verify + suites: the plan's Playwright projects in one invocation (or one shard
 * of them). The child learns about the run through the run contract (config/run-contract.ts)
 * and writes its normalized results, Allure results, test-results and log into `reportDir`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { contractEnv } from '../config/run-contract.ts';
import { testListInvert } from '../gate/changes.ts';
import { countResults, isFailure, testId } from '../gate/results.ts';
import type { TestResult } from '../gate/types.ts';
import { runNode } from '../lib/spawn.ts';
import { injectedFailure } from './guard.ts';
import { testList, type PlannedTest } from './balance.ts';
import type { Shard } from './parts.ts';
import type { RunPlan } from './plan.ts';
import type { Session } from './session.ts';

export const PLAYWRIGHT_CLI = join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

/** The plan's projects, less the regression specs a differential run skips (Playwright --test-list-invert). */
function selection(plan: RunPlan, reportDir: string): string[] {
  const args = plan.projects.flatMap((p) => ['--project', p]);
  if (plan.grep) args.push('--grep', plan.grep);
  if (plan.skippedSpecs.length) {
    const skipList = join(reportDir, 'skipped-specs.txt');
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(skipList, testListInvert(plan.skippedSpecs));
    args.push('--test-list-invert', skipList);
  }
  return args;
}

interface ListedSuite {
  title: string;
  suites?: ListedSuite[];
  specs?: { title: string; file: string; tests: { projectName: string }[] }[];
}

/**
 * The tests the plan runs, as Playwright lists them (`--list`): the plan's projects only, setup
 * projects (which every shard runs as dependencies) left out. Nothing is started or seeded.
 */
export async function listPlannedTests(plan: RunPlan, processEnv: NodeJS.ProcessEnv, reportDir: string): Promise<PlannedTest[]> {
  const out = join(reportDir, 'planned-tests.json');
  const env = {
    ...processEnv,
    ...contractEnv({ env: plan.environment, runId: plan.runId, seeded: plan.seeded }),
    PLAYWRIGHT_JSON_OUTPUT_NAME: out,
  };
  const run = await runNode([PLAYWRIGHT_CLI, 'test', '--list', '--reporter=json', ...selection(plan, reportDir)], { cwd: REPO_ROOT, env });
  if (run.code !== 0 || !existsSync(out)) throw new Error(`playwright --list failed (exit ${run.code}): ${run.output.slice(-500)}`);
  const wanted = new Set(plan.projects);
  // Ids name the spec file (as results do); a test may be defined in a file the spec imports.
  const walk = (specFile: string, suite: ListedSuite, titles: string[]): PlannedTest[] => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((t) => wanted.has(t.projectName))
        .map((t) => ({
          id: testId(t.projectName, specFile, [...titles, spec.title]),
          project: t.projectName,
          ...(spec.file !== specFile ? { definedIn: spec.file } : {}),
        })),
    ),
    ...(suite.suites ?? []).flatMap((child) => walk(specFile, child, [...titles, child.title])),
  ];
  try {
    const files = (JSON.parse(readFileSync(out, 'utf8')) as { suites: (ListedSuite & { file: string })[] }).suites;
    return files.flatMap((file) => walk(file.file, file, []));
  } finally {
    rmSync(out, { force: true });
  }
}

export interface PlaywrightRun {
  results: TestResult[];
  exitCode: number;
  /** The signal that killed Playwright, when one did (the OOM killer's SIGKILL). */
  signal?: NodeJS.Signals;
  log: string;
}

export async function runPlaywright(a: {
  s: Session;
  plan: RunPlan;
  processEnv: NodeJS.ProcessEnv;
  reportDir: string;
  workers?: number;
  shard?: Shard;
  /** Also write a Playwright blob report here (a shard's, for `playwright merge-reports`). */
  blobDir?: string;
  playwrightOutput?: 'inherit' | 'quiet';
  /** Where the results reporter appends each test's final result as it ends (the early verdict reads it). */
  eventsFile?: string;
}): Promise<PlaywrightRun> {
  injectedFailure('suites', a.processEnv);
  const { plan, reportDir } = a;
  const resultsFile = join(reportDir, 'results.json');
  const log = join(reportDir, 'playwright.log');
  mkdirSync(reportDir, { recursive: true });
  rmSync(resultsFile, { force: true });
  const args = [PLAYWRIGHT_CLI, 'test', ...selection(plan, reportDir), '--output', join(reportDir, 'test-results')];
  if (a.workers) args.push('--workers', String(a.workers));
  const lists = a.shard && plan.shardLists?.total === a.shard.total ? plan.shardLists : undefined;
  if (lists && a.shard) {
    // Balanced by measured time at prepare: exactly this shard's list (setup projects still run as dependencies).
    const listFile = join(reportDir, 'test-list.txt');
    writeFileSync(listFile, testList(lists.tests[a.shard.current - 1] ?? [], lists.definedIn));
    args.push('--test-list', listFile);
  } else if (a.shard) args.push('--shard', `${a.shard.current}/${a.shard.total}`);
  const env: NodeJS.ProcessEnv = {
    ...a.processEnv,
    ...contractEnv({
      env: plan.environment,
      runId: plan.runId,
      resultsFile,
      eventsFile: a.eventsFile,
      jsonReport: join(reportDir, 'playwright.json'),
      allureResults: join(reportDir, 'allure-results'),
      quietReporter: true,
      blobDir: a.blobDir,
      expectedBuild: plan.expectedBuild,
      seeded: plan.seeded,
    }),
  };
  const run = await runNode(args, {
    cwd: REPO_ROOT,
    env,
    onStart: (child) => (a.s.child = child),
    onOutput:
      a.playwrightOutput === 'inherit' ? (chunk) => process.stdout.write(a.s.redactor.text(chunk).replace(/^/gm, '    ')) : undefined,
  });
  a.s.child = undefined;
  writeFileSync(log, run.output);
  const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results: TestResult[] }).results : [];
  return { results, exitCode: run.code, ...(run.signal ? { signal: run.signal } : {}), log };
}

/**
 * The verify and suites step lines, from the results of one run or of all its shards. `problem`:
 * why the suites did not all run (a shard that never reported), said on the suites step.
 */
export function suiteSteps(
  s: Session,
  results: TestResult[],
  projects: string[],
  durationMs: number,
  playwrightExit: number,
  problem?: string,
): void {
  const verify = results.filter((r) => r.suite === 'verify');
  const rest = results.filter((r) => r.suite !== 'verify' && r.suite !== 'setup');
  s.step('verify', verify.some(isFailure) ? 'failed' : verify.length || !problem ? 'ok' : 'skipped', span(verify), summarize(verify));
  s.step(
    'suites',
    rest.some(isFailure) || playwrightExit > 1 || problem ? 'failed' : 'ok',
    durationMs,
    `${projects.filter((p) => p !== 'verify').join(', ')}: ${summarize(rest)}${problem ? `; ${problem}` : ''}`,
  );
}

/** Wall time from the first test's start to the last one's end; tests that never ran (a start at the epoch) do not count. */
export function span(results: TestResult[]): number {
  const ran = results.filter((r) => Date.parse(r.startedAt) > 0);
  if (!ran.length) return 0;
  const start = Math.min(...ran.map((r) => Date.parse(r.startedAt)));
  const end = Math.max(...ran.map((r) => Date.parse(r.startedAt) + r.durationMs));
  return end - start;
}

export function summarize(results: TestResult[]): string {
  const c = countResults(results);
  const parts = [
    `${c.passed} passed`,
    c.failed && `${c.failed} failed`,
    c.flaky && `${c.flaky} flaky`,
    c.skipped && `${c.skipped} skipped`,
  ].filter(Boolean);
  return results.length ? parts.join(', ') : 'no tests';
}
