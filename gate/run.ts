/**
 * `tollgate run`: the main job, as the steps of DESIGN.md. Each step is timed and reported as
 * one line; a step that fails says why, and the run still ends with a verdict, a record and
 * reports. Cleanup always runs (after failures and on SIGINT/SIGTERM); crashed runs' leftovers
 * are swept before seeding.
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
import { readManifest, runsDir } from '../seed/manifest.ts';
import { newRunId, runStartedAt } from '../seed/runid.ts';
import { seed as seedRun } from '../seed/seed.ts';
import { REPO_ROOT } from '../scripts/stack/paths.ts';
import { isAlive } from '../scripts/stack/processes.ts';
import { buildAllureReport } from '../reporters/allure-report.ts';
import { writeJUnit } from '../reporters/junit.ts';
import { writePromotionReport } from '../reporters/promotion-report.ts';
import { buildSlackMessage, postToSlack, saveSlackPayload, shouldPost } from '../reporters/slack.ts';
import { changedPaths, describeSelection, loadChangeMap, selectRuns, testListInvert, type Component } from './changes.ts';
import { decide } from './policy.ts';
import { loadQuarantine, quarantineIndex } from './quarantine.ts';
import { targetProbes, waitUntilReady } from './readiness.ts';
import { collectSecrets, createRedactor, type Redactor } from './redact.ts';
import { countBy, countResults, isFailure } from './results.ts';
import { scrubTree } from './scrub.ts';
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
  shard?: string;
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

export async function runGate(o: RunOptions): Promise<RunOutcome> {
  const startedAt = new Date();
  const steps: StepRecord[] = [];
  const notes: string[] = [];
  const t0 = Date.now();
  const config = prepare(o);
  const { processEnv, environment, target, suites, runId } = config;
  const secrets = collectSecrets({ env: processEnv, environment });
  if (target.stackAdmin) secrets.push(target.stackAdmin.password);
  let redactor: Redactor = createRedactor(secrets);
  const print = (line: string) => (o.print ?? ((l) => process.stdout.write(`${l}\n`)))(redactor.text(line));
  const step = (name: StepName, status: StepRecord['status'], durationMs: number, detail: string) => {
    steps.push({ name, status, durationMs, detail: redactor.text(detail) });
    const mark = { ok: '✓', failed: '✗', skipped: '-' }[status];
    print(`  ${mark} ${name.padEnd(8)} ${seconds(durationMs).padStart(7)}  ${detail}`);
  };
  const reportDir = join(REPO_ROOT, 'reports', runId);
  mkdirSync(reportDir, { recursive: true });

  print(`tollgate run ${runId} · ${environment.name} · build ${config.build ?? '(as deployed)'} · suites ${suites.join(',')}${o.shard ? ` · shard ${o.shard}` : ''}`);
  step('config', 'ok', Date.now() - t0, `${environment.description}${environment.readOnly ? ' (READ_ONLY)' : ''}: ${target.webURL}`);
  if (config.selection) {
    // Said on screen and in the report: a differential PROMOTE must show what it did not test.
    const line = describeSelection(config.selection, suites);
    print(`  ${line}`);
    notes.push(line);
  }

  // SIGINT/SIGTERM: stop Playwright, still clean up, record INCONCLUSIVE: interrupted.
  let interrupted: string | undefined;
  let child: ChildProcess | undefined;
  const stopWaiting = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    stopWaiting.abort();
    print(`\ntollgate: ${signal} received: stopping the suites, then cleaning up and recording the run as INCONCLUSIVE.`);
    child?.kill('SIGINT');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let notReady: string | undefined;
  let untestable: { step: string; message: string } | undefined;
  let results: TestResult[] = [];
  let seedValue = o.seed;
  let seeded = false;
  // The build being gated: --build (or the expected one), else what the deployment reports.
  let build = config.build ?? 'unknown';
  let historyRead!: ReturnType<typeof readHistory>;
  try {
    // ready
    let t = Date.now();
    try {
      const timeout = Number(processEnv.TOLLGATE_READY_TIMEOUT) * 1000 || environment.readyTimeoutMs;
      const probes = await waitUntilReady(targetProbes(target), timeout, undefined, stopWaiting.signal);
      const deployedBuild = await fetchBuild(target);
      build = config.build ?? deployedBuild ?? 'unknown';
      step('ready', 'ok', Date.now() - t, `${probes.map((p) => p.name.split(' ')[0]).join(', ')} ready; deployed build ${deployedBuild ?? 'unknown'}`);
    } catch (e) {
      if (!(e instanceof NotReadyError)) throw e;
      notReady = e.message;
      step('ready', 'failed', Date.now() - t, interrupted ? `interrupted while waiting for readiness (${interrupted})` : e.message);
    }

    // seed (and sweep what crashed runs left behind)
    t = Date.now();
    if (notReady || interrupted) step('seed', 'skipped', 0, notReady ? 'the environment is not ready' : 'interrupted');
    else if (environment.readOnly) step('seed', 'skipped', 0, `READ_ONLY: nothing is written; read-only checks use the canary records`);
    else {
      try {
        const swept = await sweepLeftovers(environment, runId);
        const result = await seedRun({ environment, profile: seedProfile(suites), seed: o.seed, runId });
        seeded = true;
        seedValue = result.manifest.seed;
        redactor = createRedactor([...secrets, ...Object.values(result.manifest.users).flat().map((u) => u.password)]);
        step('seed', 'ok', Date.now() - t, `${result.manifest.profile} profile, ${result.rows.toLocaleString('en')} rows, seed ${result.manifest.seed} (replay with --seed ${result.manifest.seed})${swept.length ? `; swept ${swept.length} crashed run(s)` : ''}`);
      } catch (e) {
        if (!(e instanceof TollgateError)) throw e;
        untestable = { step: 'seed', message: e.message };
        step('seed', 'failed', Date.now() - t, `${e.message}${e.hint ? ` (${e.hint})` : ''}`);
      }
    }

    // History is read while the suites run: opening the store costs nothing on the way to the verdict.
    historyRead = readHistory(environment, build, notes, processEnv);
    historyRead.catch(() => {});

    // verify + suites: one Playwright invocation
    t = Date.now();
    if (notReady || untestable || interrupted) {
      const why = notReady ? 'the environment is not ready' : untestable ? `the ${untestable.step} step failed` : 'interrupted';
      step('verify', 'skipped', 0, why);
      step('suites', 'skipped', 0, why);
    } else {
      const projects = ['verify', ...suites.flatMap((s) => PROJECTS[s])].filter((p) => p !== 'regression' || !config.selection?.skipRegression);
      let skipList: string | undefined;
      if (config.selection?.skipped.length && projects.includes('regression')) {
        skipList = join(reportDir, 'skipped-specs.txt');
        writeFileSync(skipList, testListInvert(config.selection.skipped));
      }
      const pw = await runPlaywright({ config, projects, seeded, o, reportDir, skipList, onChild: (c) => (child = c), print });
      child = undefined;
      results = pw.results;
      if (!results.length && !interrupted) untestable = { step: 'suites', message: `Playwright ran no test (exit ${pw.exitCode}); see ${relative(REPO_ROOT, pw.log)}` };
      const verify = results.filter((r) => r.suite === 'verify');
      const rest = results.filter((r) => r.suite !== 'verify' && r.suite !== 'setup');
      step('verify', verify.some(isFailure) ? 'failed' : 'ok', span(verify), summarize(verify));
      step('suites', rest.some(isFailure) || pw.exitCode > 1 ? 'failed' : 'ok', Date.now() - t, `${projects.slice(1).join(', ')}: ${summarize(rest)}`);
    }
  } finally {
    // cleanup: always, whatever happened above
    const t = Date.now();
    if (!seeded) step('cleanup', 'skipped', 0, environment.readOnly ? 'READ_ONLY: nothing was written' : 'nothing was seeded');
    else if (o.keepData || processEnv.TOLLGATE_KEEP_DATA === '1') step('cleanup', 'skipped', 0, `data of ${runId} kept for inspection (--keep-data); remove it with \`tollgate seed clean --env ${environment.name} --run ${runId}\``);
    else {
      try {
        const rows = await cleanup(environment, runId);
        step('cleanup', 'ok', Date.now() - t, `${rows.toLocaleString('en')} rows of ${runId} deleted`);
      } catch (e) {
        step('cleanup', 'failed', Date.now() - t, `${(e as Error).message} — the next run sweeps it, or run \`tollgate seed clean --env ${environment.name} --run ${runId}\``);
      }
    }
  }

  // triage, with history from the store (a store that is down costs history, never the verdict)
  let t = Date.now();
  const { history, buildRuns, lastPromoted } = await historyRead;
  const quarantine = quarantineIndex(config.quarantine, new Date());
  const at = new Date().toISOString();
  // Setup tests count only when they failed (a broken sign-in matters; a passed one is plumbing).
  const counted = results.filter((r) => r.suite !== 'setup' || isFailure(r));
  const triage = triageResults(counted, history, {
    runId, build, at, quarantined: (id) => quarantine.active(id), owners: config.owners, policy: environment.policy,
  });
  step('triage', 'ok', Date.now() - t, triage.groups.length ? `${triage.failures.length} failure(s) in ${triage.groups.length} group(s): ${[...new Set(triage.groups.map((g) => g.category))].join(', ')}` : 'no failures');

  // gate
  t = Date.now();
  const decision = decide({ results, triage, policy: environment.policy, quarantine, notReady, interrupted, untestable });
  step('gate', 'ok', Date.now() - t, `${decision.verdict}: ${decision.reasons[0]?.message ?? ''}`);

  const quarantined = new Set(triage.failures.filter((f) => f.category === 'known-issue').map((f) => f.testId));
  const record: RunRecord = redactor.json({
    runId, environment: environment.name, build, suites, seed: seedValue, shard: o.shard,
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), durationMs: Date.now() - t0,
    steps, verdict: decision.verdict, reasons: decision.reasons,
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
  if (stored.recorded) step('record', 'ok', Date.now() - t, `in the results store${stored.flushed ? ` (and ${stored.flushed} spooled run(s) from earlier)` : ''}`);
  else {
    notes.push(`Results store unreachable (${stored.error}); the record was spooled to ${relative(REPO_ROOT, stored.spooled ?? '')} and is written by the next run that reaches the store.`);
    step('record', 'failed', Date.now() - t, `store unreachable: spooled to ${relative(REPO_ROOT, stored.spooled ?? '')}`);
  }

  // publish: scrub what the suites left, then the promotion report and Slack
  t = Date.now();
  // Traces can hold typed passwords and headers: scrubbed, or not kept where KEEP_TRACES=false.
  const scrubbed = await scrubTree(reportDir, redactor, { keepTraces: environment.keepTraces });
  const removed = new Set(scrubbed.removed.map((p) => relative(REPO_ROOT, p)));
  for (const r of record.results) r.attachments = r.attachments.filter((a) => !a.path || !removed.has(a.path));
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
  }, (s) => redactor.text(s));
  saveSlackPayload(message, reportDir);
  let slackNote = `Slack: not posted (SLACK_NOTIFY=${environment.slack.notify})`;
  if (shouldPost(environment.slack.notify, record.verdict)) {
    if (!environment.slack.webhookUrl && !environment.slack.botToken) slackNote = 'Slack: not configured (SLACK_WEBHOOK_URL or SLACK_BOT_TOKEN)';
    else {
      const sent = await postToSlack(message, { ...environment.slack }, { log: (l) => print(`    ${l}`) });
      // A Slack failure never changes the verdict or the exit code.
      slackNote = sent.delivered ? `Slack: posted (${sent.attempts} attempt(s))` : `Slack: NOT delivered (${sent.error}); the verdict stands`;
    }
  }
  step('publish', 'ok', Date.now() - t, `${relative(REPO_ROOT, report.html)}; ${allureNote}; ${slackNote}${scrubbed.changed ? `; ${scrubbed.changed} artifact(s) scrubbed of secrets` : ''}`);

  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return { record, exitCode: EXIT_CODE[record.verdict], reportDir, notes };
}

interface PlaywrightRun { results: TestResult[]; exitCode: number; log: string }

async function runPlaywright(a: {
  config: ReturnType<typeof prepare>; projects: string[]; seeded: boolean; o: RunOptions; reportDir: string;
  /** Playwright --test-list-invert file: the regression specs a differential run skips. */
  skipList?: string;
  onChild: (c: ChildProcess) => void; print: (line: string) => void;
}): Promise<PlaywrightRun> {
  const { config, projects, seeded, o, reportDir } = a;
  const resultsFile = join(reportDir, 'results.json');
  const log = join(reportDir, 'playwright.log');
  rmSync(resultsFile, { force: true });
  const args = [join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...projects.flatMap((p) => ['--project', p]), '--output', join(reportDir, 'test-results')];
  if (o.workers) args.push('--workers', String(o.workers));
  if (o.shard) args.push('--shard', o.shard);
  if (a.skipList) args.push('--test-list-invert', a.skipList);
  const env: NodeJS.ProcessEnv = {
    ...config.processEnv,
    TOLLGATE_ENV: config.environment.name,
    TOLLGATE_RUN_ID: config.runId,
    TOLLGATE_RESULTS_FILE: resultsFile,
    PLAYWRIGHT_JSON_OUTPUT_NAME: join(reportDir, 'playwright.json'),
    TOLLGATE_ALLURE_RESULTS: join(reportDir, 'allure-results'),
    TOLLGATE_QUIET_REPORTER: '1',
    ...(config.build ? { EXPECTED_BUILD: config.build } : {}),
    ...(seeded ? { TOLLGATE_SEEDED: '1' } : {}),
  };
  const chunks: string[] = [];
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    a.onChild(child);
    const take = (buf: Buffer) => {
      chunks.push(buf.toString());
      if (o.playwrightOutput === 'inherit') process.stdout.write(buf.toString().replace(/^/gm, '    '));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
  writeFileSync(log, chunks.join(''));
  const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results: TestResult[] }).results : [];
  return { results, exitCode, log };
}

/** Runs whose owner on this machine died before cleaning up, and any run older than a day. */
async function sweepLeftovers(environment: Environment, runId: string): Promise<string[]> {
  const owner = join(runsDir(), runId, 'owner.json');
  mkdirSync(join(runsDir(), runId), { recursive: true, mode: 0o700 });
  writeFileSync(owner, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
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
    const o = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; host: string };
    return o.host === hostname() && !isAlive(o.pid);
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

async function readHistory(environment: Environment, build: string, notes: string[], env: NodeJS.ProcessEnv) {
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
