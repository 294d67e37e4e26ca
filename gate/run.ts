/**
 * `tollgate run`: the main job, as the steps of DESIGN.md. Each step is timed and reported as
 * one line; a step that fails says why, and the run still ends with a verdict, a record and
 * reports. Cleanup always runs (after failures and on SIGINT/SIGTERM); crashed runs' leftovers
 * are swept before seeding.
 *
 * The steps are phases a sharded run spreads over processes and machines (gate/sharded.ts):
 * readyAndSeed once (`tollgate prepare`), runPlaywright per shard, then cleanupStep and
 * finishRun once (`tollgate merge`). runGate does them all in one process.
 *
 * verify runs in the same Playwright invocation as the suites, after seeding: its role checks
 * sign in as this run's users, and one invocation keeps time to verdict close to bare
 * Playwright's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { loadEnvironment, promotionOrder, type Environment, type SuiteChoice } from '../config/environment.ts';
import { ConfigError, NotReadyError, TollgateError } from '../config/errors.ts';
import { resolveTarget, type Target } from '../config/target.ts';
import { cleanRun, runsInDatabase } from '../seed/clean.ts';
import { connect } from '../seed/db.ts';
import { runsDir, type Manifest } from '../seed/manifest.ts';
import { newRunId, runStartedAt } from '../config/ids.ts';
import { seed as seedRun } from '../seed/seed.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { isAlive } from '../stack/processes.ts';
import { buildAllureReport } from '../reporters/allure-report.ts';
import { writeJUnit } from '../reporters/junit.ts';
import { writePromotionReport } from '../reporters/promotion-report.ts';
import { buildSlackMessage, postToSlack, saveSlackPayload, shouldPost } from '../reporters/slack.ts';
import { changedPaths, describeSelection, loadChangeMap, selectRuns, testListInvert, type Component } from './changes.ts';
import { decide } from './policy.ts';
import { loadQuarantine, quarantineIndex } from './quarantine.ts';
import { targetProbes, waitUntilReady } from './readiness.ts';
import { PLAN_VERSION, type RunPlan } from './plan.ts';
import { collectSecrets, createRedactor, manifestPasswords, type Redactor } from './redact.ts';
import { countBy, countResults, isFailure } from './results.ts';
import { scrubTree } from './scrub.ts';
import type { Shard } from './shards.ts';
import { recordOrSpool, spoolDir } from './spool.ts';
import { resultsDir } from './store/sql.ts';
import { openStore } from './store.ts';
import { loadOwners, triage as triageResults } from './triage.ts';
import type { HistoryRun, RunRecord, StepName, StepRecord, TestResult, Verdict } from './types.ts';

export interface RunOptions {
  env: string;
  build?: string;
  suites?: SuiteChoice[];
  seed?: number;
  workers?: number;
  runId?: string;
  /** Keep this run's data in the database (for inspection); default false. */
  keepData?: boolean;
  /** Differential run: a git range or a comma-separated list of changed files (gate/changes.ts). */
  changed?: string;
  /** Differential run: the components that changed; with `changed`, the union. */
  components?: Component[];
  /** Resolves a git range to changed files (tests inject one); default `git diff --name-only`. */
  gitDiff?: (range: string) => string[];
  processEnv?: NodeJS.ProcessEnv;
  /** One line per step and the summary; already redacted. */
  print?: (line: string) => void;
  /** Playwright's own output, passed through the redactor. */
  playwrightOutput?: 'inherit' | 'quiet';
}

export interface RunOutcome {
  record: RunRecord;
  exitCode: number;
  reportDir: string;
  notes: string[];
}

export const EXIT_CODE: Record<Verdict, number> = { PROMOTE: 0, WARN: 0, BLOCK: 1, INCONCLUSIVE: 2 };

const PROJECTS: Record<SuiteChoice, string[]> = {
  smoke: ['smoke-api', 'smoke-web', 'smoke-selenium'],
  regression: ['regression'],
  demo: ['demo'],
};
/** Runs that crashed on another machine are swept once they are this old. */
const SWEEP_AFTER_MS = 24 * 3_600_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function seedProfile(suites: SuiteChoice[]): string {
  return suites.includes('demo') ? 'demo' : suites.includes('regression') ? 'regression' : 'smoke';
}

/** Config step: everything validated before anything runs; throws ConfigError/UsageError. */
export function prepare(o: RunOptions) {
  const processEnv = o.processEnv ?? process.env;
  const environment = loadEnvironment(o.env, { env: processEnv });
  if (!environment.readOnly && !environment.databaseUrl) {
    throw new ConfigError(`${environment.databaseUrlVar} is not set: tollgate run seeds and cleans ${environment.name}'s database.`, {
      hint: `Export ${environment.databaseUrlVar}=postgresql://user:password@host:5432/db or put it in the git-ignored .env.${environment.name}.local.`,
    });
  }
  const target = resolveTarget({ ...processEnv, TOLLGATE_ENV: environment.name });
  const quarantine = loadQuarantine(processEnv.TOLLGATE_QUARANTINE_FILE || undefined);
  const owners = loadOwners(processEnv.TOLLGATE_OWNERS_FILE || undefined);
  const suites = o.suites ?? environment.suites;
  const runId = o.runId ?? processEnv.TOLLGATE_RUN_ID ?? newRunId();
  const build = o.build ?? target.expectedBuild;
  const selection = o.changed !== undefined || o.components?.length
    ? selectRuns(loadChangeMap(processEnv.TOLLGATE_CHANGES_FILE || undefined), {
      changed: o.changed !== undefined ? changedPaths(o.changed, o.gitDiff) : undefined,
      components: o.components,
    })
    : undefined;
  return { processEnv, environment, target, quarantine, owners, suites, runId, build, selection };
}

export type Prepared = ReturnType<typeof prepare>;

/**
 * One phase's console and step log. Lines and step details go through the redactor, which
 * learns the seeded users' passwords once they exist. SIGINT/SIGTERM stop the suites (and a
 * readiness wait); the phase then still cleans up and records the run as interrupted.
 */
export class Session {
  readonly steps: StepRecord[] = [];
  readonly notes: string[] = [];
  readonly stopWaiting = new AbortController();
  interrupted: string | undefined;
  child: ChildProcess | undefined;
  redactor: Redactor;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.interrupted) return;
    this.interrupted = signal;
    this.stopWaiting.abort();
    this.print(`\ntollgate: ${signal} received: ${this.onInterrupt}`);
    this.child?.kill('SIGINT');
  };

  constructor(private readonly secrets: string[], private readonly out: ((line: string) => void) | undefined, private readonly onInterrupt: string) {
    this.redactor = createRedactor(secrets);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Known from now on: redacted wherever they appear. */
  learn(secrets: string[]): void {
    this.redactor = createRedactor([...this.secrets, ...secrets]);
  }

  print(line: string): void {
    (this.out ?? ((l) => process.stdout.write(`${l}\n`)))(this.redactor.text(line));
  }

  step(name: StepName, status: StepRecord['status'], durationMs: number, detail: string): void {
    this.replay([{ name, status, durationMs, detail: this.redactor.text(detail) }]);
  }

  /** Steps done earlier (by `tollgate prepare`, on another machine): recorded and shown as they were. */
  replay(steps: StepRecord[]): void {
    for (const { name, status, durationMs, detail } of steps) {
      this.steps.push({ name, status, durationMs, detail });
      const mark = { ok: '✓', failed: '✗', skipped: '-' }[status];
      this.print(`  ${mark} ${name.padEnd(8)} ${seconds(durationMs).padStart(7)}  ${detail}`);
    }
  }

  close(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

export function openSession(o: { processEnv: NodeJS.ProcessEnv; environment: Environment; target: Target; print?: (line: string) => void }, onInterrupt: string): Session {
  const secrets = collectSecrets({ env: o.processEnv, environment: o.environment });
  if (o.target.stackAdmin) secrets.push(o.target.stackAdmin.password);
  return new Session(secrets, o.print, onInterrupt);
}

/**
 * ready and seed: the steps before the suites, done once per run however many shards run them.
 * Returns the plan the suites follow. `owner` marks who cleans the seeded data up: this
 * process (a crash of it leaves data the next run on this machine sweeps), or a merge to come
 * (the preparing process exits; only age sweeps what a lost pipeline left).
 */
export async function readyAndSeed(s: Session, config: Prepared, o: Pick<RunOptions, 'seed'>, owner: 'process' | 'pipeline', started: Date): Promise<{ plan: RunPlan; manifest?: Manifest }> {
  const { processEnv, environment, target, suites, runId } = config;
  s.step('config', 'ok', Date.now() - started.getTime(), `${environment.description}${environment.readOnly ? ' (READ_ONLY)' : ''}: ${target.webURL}`);
  if (config.selection) {
    // Said on screen and in the report: a differential PROMOTE must show what it did not test.
    const line = describeSelection(config.selection, suites);
    s.print(`  ${line}`);
    s.notes.push(line);
  }
  let notReady: string | undefined;
  let untestable: RunPlan['untestable'];
  let manifest: Manifest | undefined;
  // The build being gated: --build (or the expected one), else what the deployment reports.
  let build = config.build ?? 'unknown';

  let t = Date.now();
  try {
    const timeout = Number(processEnv.TOLLGATE_READY_TIMEOUT) * 1000 || environment.readyTimeoutMs;
    const probes = await waitUntilReady(targetProbes(target), timeout, undefined, s.stopWaiting.signal);
    const deployedBuild = await fetchBuild(target);
    build = config.build ?? deployedBuild ?? 'unknown';
    s.step('ready', 'ok', Date.now() - t, `${probes.map((p) => p.name.split(' ')[0]).join(', ')} ready; deployed build ${deployedBuild ?? 'unknown'}`);
  } catch (e) {
    if (!(e instanceof NotReadyError)) throw e;
    notReady = e.message;
    s.step('ready', 'failed', Date.now() - t, s.interrupted ? `interrupted while waiting for readiness (${s.interrupted})` : e.message);
  }

  // seed (and sweep what crashed runs left behind)
  t = Date.now();
  if (notReady || s.interrupted) s.step('seed', 'skipped', 0, notReady ? 'the environment is not ready' : 'interrupted');
  else if (environment.readOnly) s.step('seed', 'skipped', 0, `READ_ONLY: nothing is written; read-only checks use the canary records`);
  else {
    try {
      const swept = await sweepLeftovers(environment, runId, owner);
      const result = await seedRun({ environment, profile: seedProfile(suites), seed: o.seed, runId });
      manifest = result.manifest;
      s.learn(manifestPasswords(manifest));
      s.step('seed', 'ok', Date.now() - t, `${manifest.profile} profile, ${result.rows.toLocaleString('en')} rows, seed ${manifest.seed} (replay with --seed ${manifest.seed})${swept.length ? `; swept ${swept.length} crashed run(s)` : ''}`);
    } catch (e) {
      if (!(e instanceof TollgateError)) throw e;
      untestable = { step: 'seed', message: e.message };
      s.step('seed', 'failed', Date.now() - t, `${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    }
  }

  const testable = !notReady && !untestable && !s.interrupted;
  const projects = testable
    ? ['verify', ...suites.flatMap((x) => PROJECTS[x])].filter((p) => p !== 'regression' || !config.selection?.skipRegression)
    : [];
  const plan: RunPlan = {
    version: PLAN_VERSION, runId, environment: environment.name, build,
    ...(config.build ? { expectedBuild: config.build } : {}),
    suites, ...(manifest ? { seed: manifest.seed } : o.seed !== undefined ? { seed: o.seed } : {}),
    seeded: !!manifest, projects,
    skippedSpecs: projects.includes('regression') ? config.selection?.skipped ?? [] : [],
    startedAt: started.toISOString(), steps: [...s.steps], notes: [...s.notes],
    ...(notReady ? { notReady } : {}), ...(untestable ? { untestable } : {}), ...(s.interrupted ? { interrupted: s.interrupted } : {}),
  };
  return { plan, manifest };
}

/** Why the suites do not run, or undefined when they do. */
export function untestedBecause(plan: Pick<RunPlan, 'notReady' | 'untestable' | 'interrupted'>, interrupted?: string): string | undefined {
  if (plan.notReady) return 'the environment is not ready';
  if (plan.untestable) return `the ${plan.untestable.step} step failed`;
  if (plan.interrupted || interrupted) return 'interrupted';
  return undefined;
}

/**
 * The verify and suites steps, from the results of one run or of all its shards. `problem`: why
 * the suites did not all run (a shard that never reported), said on the suites step.
 */
export function suiteSteps(s: Session, results: TestResult[], projects: string[], durationMs: number, playwrightExit: number, problem?: string): void {
  const verify = results.filter((r) => r.suite === 'verify');
  const rest = results.filter((r) => r.suite !== 'verify' && r.suite !== 'setup');
  s.step('verify', verify.some(isFailure) ? 'failed' : verify.length || !problem ? 'ok' : 'skipped', span(verify), summarize(verify));
  s.step('suites', rest.some(isFailure) || playwrightExit > 1 || problem ? 'failed' : 'ok', durationMs, `${projects.filter((p) => p !== 'verify').join(', ')}: ${summarize(rest)}${problem ? `; ${problem}` : ''}`);
}

/** cleanup: always, whatever happened before; a failure is said, never thrown. */
export async function cleanupStep(s: Session, environment: Environment, plan: RunPlan, keepData: boolean): Promise<void> {
  const t = Date.now();
  const { runId } = plan;
  if (!plan.seeded) s.step('cleanup', 'skipped', 0, environment.readOnly ? 'READ_ONLY: nothing was written' : 'nothing was seeded');
  else if (keepData) s.step('cleanup', 'skipped', 0, `data of ${runId} kept for inspection (--keep-data); remove it with \`tollgate seed clean --env ${environment.name} --run ${runId}\``);
  else {
    try {
      const rows = await cleanup(environment, runId);
      s.step('cleanup', 'ok', Date.now() - t, `${rows.toLocaleString('en')} rows of ${runId} deleted`);
    } catch (e) {
      s.step('cleanup', 'failed', Date.now() - t, `${(e as Error).message} — the next run sweeps it, or run \`tollgate seed clean --env ${environment.name} --run ${runId}\``);
    }
  }
}

export async function runGate(o: RunOptions): Promise<RunOutcome> {
  const t0 = Date.now();
  const config = prepare(o);
  const { processEnv, environment, runId } = config;
  const s = openSession({ ...config, print: o.print }, 'stopping the suites, then cleaning up and recording the run as INCONCLUSIVE.');
  const reportDir = join(REPO_ROOT, 'reports', runId);
  mkdirSync(reportDir, { recursive: true });
  s.print(`tollgate run ${runId} · ${environment.name} · build ${config.build ?? '(as deployed)'} · suites ${config.suites.join(',')}`);

  let plan!: RunPlan;
  let results: TestResult[] = [];
  let untestable: RunPlan['untestable'];
  let historyRead!: ReturnType<typeof readHistory>;
  try {
    ({ plan } = await readyAndSeed(s, config, o, 'process', new Date(t0)));
    // History is read while the suites run: opening the store costs nothing on the way to the verdict.
    historyRead = readHistory(environment, plan.build, s.notes, processEnv);
    historyRead.catch(() => {});

    const t = Date.now();
    const why = untestedBecause(plan, s.interrupted);
    if (why) {
      s.step('verify', 'skipped', 0, why);
      s.step('suites', 'skipped', 0, why);
    } else {
      const pw = await runPlaywright({ s, plan, processEnv, reportDir, workers: o.workers, playwrightOutput: o.playwrightOutput });
      results = pw.results;
      if (!results.length && !s.interrupted) untestable = { step: 'suites', message: `Playwright ran no test (exit ${pw.exitCode}); see ${relative(REPO_ROOT, pw.log)}` };
      suiteSteps(s, results, plan.projects, Date.now() - t, pw.exitCode);
    }
  } finally {
    // plan is unset only when readiness or seeding threw a bug: nothing is known to be seeded then.
    if (plan) await cleanupStep(s, environment, plan, !!(o.keepData || processEnv.TOLLGATE_KEEP_DATA === '1'));
  }
  return finishRun(s, config, {
    plan, results, untestable, interrupted: s.interrupted, historyRead, reportDir, t0,
  });
}

/**
 * triage → gate → record → publish, once per run: after the suites of a single run, or after
 * `tollgate merge` has put the shards' results together.
 */
export async function finishRun(s: Session, config: Pick<Prepared, 'processEnv' | 'environment' | 'target' | 'quarantine' | 'owners'>, a: {
  plan: RunPlan; results: TestResult[]; untestable?: RunPlan['untestable']; interrupted?: string;
  historyRead: ReturnType<typeof readHistory>; reportDir: string; t0: number;
  /** A sharded run: how many shards ran it. */
  shards?: number;
  /** Extra publishing (the merged Playwright report); returns its line for the publish step. */
  publishExtra?: () => Promise<string | undefined>;
}): Promise<RunOutcome> {
  const { processEnv, environment, target } = config;
  const { plan, results, reportDir } = a;
  const { runId, build } = plan;
  const notes = s.notes;
  // triage, with history from the store (a store that is down costs history, never the verdict)
  let t = Date.now();
  const { history, buildRuns, lastPromoted } = await a.historyRead;
  const quarantine = quarantineIndex(config.quarantine, new Date());
  const at = new Date().toISOString();
  // Setup tests count only when they failed (a broken sign-in matters; a passed one is plumbing).
  const counted = results.filter((r) => r.suite !== 'setup' || isFailure(r));
  const triage = triageResults(counted, history, {
    runId, build, at, quarantined: (id) => quarantine.active(id), owners: config.owners, policy: environment.policy,
  });
  s.step('triage', 'ok', Date.now() - t, triage.groups.length ? `${triage.failures.length} failure(s) in ${triage.groups.length} group(s): ${[...new Set(triage.groups.map((g) => g.category))].join(', ')}` : 'no failures');

  // gate
  t = Date.now();
  const decision = decide({
    results, triage, policy: environment.policy, quarantine,
    notReady: plan.notReady, interrupted: plan.interrupted ?? a.interrupted, untestable: plan.untestable ?? a.untestable,
  });
  s.step('gate', 'ok', Date.now() - t, `${decision.verdict}: ${decision.reasons[0]?.message ?? ''}`);

  const quarantined = new Set(triage.failures.filter((f) => f.category === 'known-issue').map((f) => f.testId));
  const record: RunRecord = s.redactor.json({
    runId, environment: environment.name, build, suites: plan.suites, seed: plan.seed,
    ...(a.shards ? { shard: `${a.shards} shards` } : {}),
    startedAt: plan.startedAt, finishedAt: new Date().toISOString(), durationMs: Date.now() - a.t0,
    steps: s.steps, verdict: decision.verdict, reasons: decision.reasons,
    counts: countResults(counted, quarantined),
    countsBySuite: countBy(counted, (r) => r.suite, quarantined),
    countsByProject: countBy(counted, (r) => r.project, quarantined),
    results, triage,
    target: { webURL: target.webURL, apiURL: target.apiURL },
    ci: ciInfo(processEnv),
    reports: { dir: relative(REPO_ROOT, reportDir), allure: relative(REPO_ROOT, join(reportDir, 'allure-report')) },
  });

  // record
  t = Date.now();
  const stored = await recordOrSpool(record, { url: environment.resultsDatabaseUrl, dataDir: resultsDir(processEnv), spoolDir: spoolDir(processEnv) });
  if (stored.recorded) s.step('record', 'ok', Date.now() - t, `in the results store${stored.flushed ? ` (and ${stored.flushed} spooled run(s) from earlier)` : ''}`);
  else {
    notes.push(`Results store unreachable (${stored.error}); the record was spooled to ${relative(REPO_ROOT, stored.spooled ?? '')} and is written by the next run that reaches the store.`);
    s.step('record', 'failed', Date.now() - t, `store unreachable: spooled to ${relative(REPO_ROOT, stored.spooled ?? '')}`);
  }

  // publish: scrub what the suites left, then the promotion report and Slack
  t = Date.now();
  const extra = await a.publishExtra?.();
  // Traces can hold typed passwords and headers: scrubbed, or not kept where KEEP_TRACES=false.
  const scrubbed = await scrubTree(reportDir, s.redactor, { keepTraces: environment.keepTraces });
  const removed = new Set(scrubbed.removed.map((p) => relative(REPO_ROOT, p)));
  for (const r of record.results) r.attachments = r.attachments.filter((x) => !x.path || !removed.has(x.path));
  writeFileSync(join(reportDir, 'results.json'), `${JSON.stringify(record.results, null, 2)}\n`);
  writeJUnit(record, reportDir);
  let allureNote = 'Allure: no results';
  if (existsSync(join(reportDir, 'allure-results'))) {
    try {
      const allure = await buildAllureReport({ runId, environment: environment.name, triage: record.triage, env: processEnv });
      allureNote = `Allure ${relative(REPO_ROOT, allure.dir)}/index.html (${seconds(allure.ms)})`;
    } catch (e) {
      allureNote = `Allure report NOT built: ${(e as Error).message.split('\n')[0]}`;
      notes.push(allureNote);
    }
  }
  const order = promotionOrder();
  const report = writePromotionReport(record, {
    history,
    lastPromoted,
    buildPath: order.map((name) => {
      const run = name === environment.name ? record : buildRuns.find((r) => r.environment === name);
      return { environment: name, verdict: run?.verdict, runId: run?.runId, at: run?.startedAt };
    }),
    notes,
    allureUrl: existsSync(join(reportDir, 'allure-report', 'index.html')) ? 'allure-report/index.html' : undefined,
  });
  // Slack: the payload is always saved beside the reports; posting follows SLACK_NOTIFY.
  const base = processEnv.TOLLGATE_REPORT_BASE_URL?.replace(/\/+$/, '');
  const message = buildSlackMessage(record, {
    runUrl: record.ci?.runUrl,
    reportUrl: base ? `${base}/${runId}/index.html` : undefined,
  }, (x) => s.redactor.text(x));
  saveSlackPayload(message, reportDir);
  let slackNote = `Slack: not posted (SLACK_NOTIFY=${environment.slack.notify})`;
  if (shouldPost(environment.slack.notify, record.verdict)) {
    if (!environment.slack.webhookUrl && !environment.slack.botToken) slackNote = 'Slack: not configured (SLACK_WEBHOOK_URL or SLACK_BOT_TOKEN)';
    else {
      const sent = await postToSlack(message, { ...environment.slack }, { log: (l) => s.print(`    ${l}`) });
      // A Slack failure never changes the verdict or the exit code.
      slackNote = sent.delivered ? `Slack: posted (${sent.attempts} attempt(s))` : `Slack: NOT delivered (${sent.error}); the verdict stands`;
    }
  }
  s.step('publish', 'ok', Date.now() - t, `${relative(REPO_ROOT, report.html)}; ${allureNote}; ${extra ? `${extra}; ` : ''}${slackNote}${scrubbed.changed ? `; ${scrubbed.changed} artifact(s) scrubbed of secrets` : ''}`);
  s.close();
  return { record, exitCode: EXIT_CODE[record.verdict], reportDir, notes };
}

interface PlaywrightRun { results: TestResult[]; exitCode: number; log: string }

/**
 * The plan's Playwright projects in one invocation (or one shard of them), writing its results,
 * Allure results, test-results and log into `reportDir`.
 */
export async function runPlaywright(a: {
  s: Session; plan: RunPlan; processEnv: NodeJS.ProcessEnv; reportDir: string;
  workers?: number; shard?: Shard;
  /** Also write a Playwright blob report here (a shard's, for `playwright merge-reports`). */
  blobDir?: string;
  playwrightOutput?: 'inherit' | 'quiet';
}): Promise<PlaywrightRun> {
  const { plan, reportDir } = a;
  const resultsFile = join(reportDir, 'results.json');
  const log = join(reportDir, 'playwright.log');
  mkdirSync(reportDir, { recursive: true });
  rmSync(resultsFile, { force: true });
  const args = [join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...plan.projects.flatMap((p) => ['--project', p]), '--output', join(reportDir, 'test-results')];
  if (a.workers) args.push('--workers', String(a.workers));
  if (a.shard) args.push('--shard', `${a.shard.current}/${a.shard.total}`);
  if (plan.skippedSpecs.length) {
    // Playwright --test-list-invert: the regression specs a differential run skips.
    const skipList = join(reportDir, 'skipped-specs.txt');
    writeFileSync(skipList, testListInvert(plan.skippedSpecs));
    args.push('--test-list-invert', skipList);
  }
  const env: NodeJS.ProcessEnv = {
    ...a.processEnv,
    TOLLGATE_ENV: plan.environment,
    TOLLGATE_RUN_ID: plan.runId,
    TOLLGATE_RESULTS_FILE: resultsFile,
    PLAYWRIGHT_JSON_OUTPUT_NAME: join(reportDir, 'playwright.json'),
    TOLLGATE_ALLURE_RESULTS: join(reportDir, 'allure-results'),
    TOLLGATE_QUIET_REPORTER: '1',
    ...(a.blobDir ? { TOLLGATE_BLOB_DIR: a.blobDir } : {}),
    ...(plan.expectedBuild ? { EXPECTED_BUILD: plan.expectedBuild } : {}),
    ...(plan.seeded ? { TOLLGATE_SEEDED: '1' } : {}),
  };
  const chunks: string[] = [];
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    a.s.child = child;
    const take = (buf: Buffer) => {
      chunks.push(buf.toString());
      if (a.playwrightOutput === 'inherit') process.stdout.write(a.s.redactor.text(buf.toString()).replace(/^/gm, '    '));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
  a.s.child = undefined;
  writeFileSync(log, chunks.join(''));
  const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results: TestResult[] }).results : [];
  return { results, exitCode, log };
}

/**
 * Runs whose owner on this machine died before cleaning up, and any run older than a day. A
 * run prepared for shards has no owning process (its merge cleans up), so only age sweeps it.
 */
async function sweepLeftovers(environment: Environment, runId: string, owner: 'process' | 'pipeline'): Promise<string[]> {
  const file = join(runsDir(), runId, 'owner.json');
  mkdirSync(join(runsDir(), runId), { recursive: true, mode: 0o700 });
  const startedAt = new Date().toISOString();
  writeFileSync(file, JSON.stringify(owner === 'process' ? { pid: process.pid, host: hostname(), startedAt } : { pipeline: true, host: hostname(), startedAt }));
  const client = await connect({ env: environment, applicationName: `tollgate-sweep ${runId}` });
  try {
    const inDb = await runsInDatabase(client);
    const crashed = inDb.filter((r) => r !== runId && (Date.now() - runStartedAt(r)!.getTime() > SWEEP_AFTER_MS || ownerDied(r)));
    for (const r of crashed) await cleanRun(client, r);
    return crashed;
  } finally {
    await client.end();
  }
}

function ownerDied(runId: string): boolean {
  const file = join(runsDir(), runId, 'owner.json');
  if (!existsSync(file)) return false;
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; host: string };
    return typeof o.pid === 'number' && o.host === hostname() && !isAlive(o.pid);
  } catch {
    return false;
  }
}

async function cleanup(environment: Environment, runId: string): Promise<number> {
  const client = await connect({ env: environment, applicationName: `tollgate-clean ${runId}` });
  try {
    const counts = await cleanRun(client, runId);
    rmSync(join(runsDir(), runId, 'owner.json'), { force: true });
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await client.end();
  }
}

async function fetchBuild(target: Target): Promise<string | undefined> {
  try {
    const res = await fetch(`${target.apiURL}/version`, { signal: AbortSignal.timeout(5_000) });
    return ((await res.json()) as { build?: string }).build;
  } catch {
    return undefined;
  }
}

export async function readHistory(environment: Environment, build: string, notes: string[], env: NodeJS.ProcessEnv) {
  const empty = { history: [] as HistoryRun[], buildRuns: [] as HistoryRun[], lastPromoted: undefined as HistoryRun | undefined };
  try {
    const store = await openStore({ url: environment.resultsDatabaseUrl, dataDir: resultsDir(env) });
    try {
      const limit = Math.max(20, environment.policy.flakyWindow);
      return {
        history: await store.history(environment.name, { limit }),
        buildRuns: await store.runsForBuild(build),
        lastPromoted: await store.lastPromoted(environment.name),
      };
    } finally {
      await store.close();
    }
  } catch (e) {
    notes.push(`History unavailable (${(e as Error).message}): triage cannot tell new from recurring failures in this run.`);
    return empty;
  }
}

function span(results: TestResult[]): number {
  if (!results.length) return 0;
  const start = Math.min(...results.map((r) => Date.parse(r.startedAt)));
  const end = Math.max(...results.map((r) => Date.parse(r.startedAt) + r.durationMs));
  return end - start;
}

function summarize(results: TestResult[]): string {
  const c = countResults(results);
  const parts = [`${c.passed} passed`, c.failed && `${c.failed} failed`, c.flaky && `${c.flaky} flaky`, c.skipped && `${c.skipped} skipped`].filter(Boolean);
  return results.length ? parts.join(', ') : 'no tests';
}

function ciInfo(env: NodeJS.ProcessEnv): RunRecord['ci'] {
  if (env.GITHUB_ACTIONS === 'true') {
    return { provider: 'GitHub Actions', runUrl: env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined, actor: env.GITHUB_ACTOR };
  }
  if (env.JENKINS_URL) return { provider: 'Jenkins', runUrl: env.BUILD_URL, actor: env.BUILD_USER_ID };
  if (env.GITLAB_CI) return { provider: 'GitLab CI', runUrl: env.CI_JOB_URL, actor: env.GITLAB_USER_LOGIN };
  if (env.CODEBUILD_BUILD_ID) return { provider: 'AWS CodeBuild', runUrl: env.CODEBUILD_BUILD_URL };
  return env.CI ? { provider: 'CI' } : undefined;
}
