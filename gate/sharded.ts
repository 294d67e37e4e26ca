/**
 * One run spread over many processes or machines, with one verdict:
 *   prepareRun  (`tollgate prepare`)             config → ready → seed, once; writes the plan
 *   runShard    (`tollgate run --plan --shard`)  its part of the suites (Playwright sharding)
 *   mergeRun    (`tollgate merge <dirs…>`)       the parts together → cleanup → triage → gate →
 *                                                record → publish, once
 * The phases are gate/run.ts's; runGate does the same steps in one process. Shards on other
 * machines get the plan (a CI artifact) and open the run's manifest sealed inside it.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { loadEnvironment } from '../config/environment.ts';
import { UsageError } from '../config/errors.ts';
import { resolveTarget } from '../config/target.ts';
import { manifestPath, readManifest, writeManifest, type Manifest } from '../seed/manifest.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { loadQuarantine } from './quarantine.ts';
import { manifestKeyMaterial, planFile, readPlan, sealManifest, unsealManifest, writePlan, type RunPlan } from './plan.ts';
import { manifestPasswords } from './redact.ts';
import { countResults } from './results.ts';
import { cleanupStep, finishRun, openSession, prepare, readHistory, readyAndSeed, runPlaywright, suiteSteps, untestedBecause, type RunOptions, type RunOutcome } from './run.ts';
import { scrubTree } from './scrub.ts';
import { checkParts, findParts, mergeResults, shardDir, writePart, type Shard, type ShardPart } from './shards.ts';
import type { TestResult } from './types.ts';
import { loadOwners } from './triage.ts';

const rel = (p: string) => relative(REPO_ROOT, p);
const reportDirOf = (runId: string) => join(REPO_ROOT, 'reports', runId);

export interface PrepareOutcome { plan: RunPlan; file: string }

/**
 * Ready and seed once for all shards; the plan says what they run. Interrupted after seeding,
 * it cleans up at once: no merge will come for a run that never started.
 */
export async function prepareRun(o: Omit<RunOptions, 'workers' | 'playwrightOutput'>): Promise<PrepareOutcome> {
  const started = new Date();
  const config = prepare(o);
  const { processEnv, environment, runId } = config;
  const s = openSession({ ...config, print: o.print }, 'stopping, then cleaning up what was seeded.');
  try {
    s.print(`tollgate prepare ${runId} · ${environment.name} · build ${config.build ?? '(as deployed)'} · suites ${config.suites.join(',')}`);
    const { plan, manifest } = await readyAndSeed(s, config, o, 'pipeline', started);
    if (s.interrupted && plan.seeded) {
      await cleanupStep(s, environment, plan, false);
      Object.assign(plan, { seeded: false, projects: [], interrupted: s.interrupted, steps: [...s.steps] });
    }
    if (manifest && plan.seeded) {
      const key = manifestKeyMaterial(environment, processEnv);
      if (key) plan.sealedManifest = sealManifest(manifest, key);
      else {
        const note = `The plan carries no manifest: neither TOLLGATE_MANIFEST_KEY nor a password in ${environment.databaseUrlVar} to seal it with. Shards must run on this machine.`;
        s.print(`  note: ${note}`);
        plan.notes.push(note);
      }
    }
    const file = writePlan(plan, planFile(reportDirOf(runId)));
    const why = untestedBecause(plan);
    s.print(`  plan ${rel(file)}: ${why ? `nothing to test (${why}); \`tollgate merge\` records it as INCONCLUSIVE` : `projects ${plan.projects.join(', ')}`}`);
    if (processEnv.GITHUB_OUTPUT) appendFileSync(processEnv.GITHUB_OUTPUT, `run-id=${runId}\nplan=${rel(file)}\n`);
    return { plan, file };
  } finally {
    s.close();
  }
}

export interface ShardOutcome { part: ShardPart; dir: string; exitCode: number }

/**
 * One shard of a prepared run: its part of the suites, scrubbed, into
 * reports/<run>/shards/<i>-of-<n>/ with a copy of the plan. It neither seeds, nor cleans, nor
 * decides. Exit 0 once the part is written (failed tests included: the verdict is the merge's).
 */
export async function runShard(o: {
  plan: string; shard: Shard; workers?: number; processEnv?: NodeJS.ProcessEnv;
  print?: (line: string) => void; playwrightOutput?: 'inherit' | 'quiet';
}): Promise<ShardOutcome> {
  const t0 = Date.now();
  const processEnv = o.processEnv ?? process.env;
  const plan = readPlan(o.plan);
  const environment = loadEnvironment(plan.environment, { env: processEnv });
  const target = resolveTarget({ ...processEnv, TOLLGATE_ENV: environment.name });
  const s = openSession({ processEnv, environment, target, print: o.print }, 'stopping the suites; the part is written and the merge records the run as INCONCLUSIVE.');
  const name = `${o.shard.current}/${o.shard.total}`;
  const dir = shardDir(reportDirOf(plan.runId), o.shard);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writePlan(plan, planFile(dir));
  s.print(`tollgate run ${plan.runId} · shard ${name} · ${environment.name} · build ${plan.build}`);
  let opened: string | undefined;
  try {
    const why = untestedBecause(plan);
    let exitCode = 0;
    if (why) s.print(`  nothing to run: ${why}`);
    else {
      if (plan.seeded) {
        const manifest = shardManifest(plan, environment, processEnv);
        s.learn(manifestPasswords(manifest.manifest));
        opened = manifest.opened;
      }
      const pw = await runPlaywright({ s, plan, processEnv, reportDir: dir, workers: o.workers, shard: o.shard, blobDir: join(dir, 'blob-report'), playwrightOutput: o.playwrightOutput });
      exitCode = pw.exitCode;
      // What this machine uploads is scrubbed here; the merge scrubs again with what it knows.
      const scrubbed = await scrubTree(dir, s.redactor, { keepTraces: environment.keepTraces });
      if (scrubbed.removed.length) {
        // The results name attachments the scrub deleted (traces not kept): they go from the list too.
        const removed = new Set(scrubbed.removed.map(rel));
        const file = join(dir, 'results.json');
        const body = JSON.parse(readFileSync(file, 'utf8')) as { results: TestResult[] };
        for (const r of body.results) r.attachments = r.attachments.filter((a) => !a.path || !removed.has(a.path));
        writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
      }
      const c = countResults(pw.results.filter((r) => r.suite !== 'setup'));
      s.step('suites', c.failed || exitCode > 1 ? 'failed' : 'ok', Date.now() - t0, `shard ${name}: ${c.passed} passed, ${c.failed} failed, ${c.flaky} flaky, ${c.skipped} skipped (Playwright exit ${exitCode})`);
    }
    const part: ShardPart = {
      version: 1, runId: plan.runId, shard: o.shard, startedAt: new Date(t0).toISOString(), durationMs: Date.now() - t0,
      exitCode, ...(s.interrupted ? { interrupted: s.interrupted } : {}), host: hostname(), dir: rel(dir),
    };
    writePart(part, dir);
    s.print(`  part ${name} of ${plan.runId} written to ${rel(dir)}; the verdict comes from \`npx tollgate merge ${rel(join(reportDirOf(plan.runId), 'shards'))}\``);
    return { part, dir, exitCode: s.interrupted ? 75 : 0 };
  } finally {
    // A manifest opened from the plan was only for this shard's tests: it does not stay behind.
    if (opened) rmSync(dirname(opened), { recursive: true, force: true });
    s.close();
  }
}

/** The run's manifest on this machine: the one `prepare` wrote, or opened from the plan. */
function shardManifest(plan: RunPlan, environment: ReturnType<typeof loadEnvironment>, env: NodeJS.ProcessEnv): { manifest: Manifest; opened?: string } {
  if (existsSync(manifestPath(plan.runId, env))) return { manifest: readManifest(plan.runId, env) };
  if (!plan.sealedManifest) {
    throw new UsageError(`Run ${plan.runId}'s manifest is not on this machine and its plan carries none.`, {
      hint: `Run the shard where \`tollgate prepare\` ran, or prepare with TOLLGATE_MANIFEST_KEY (or a database URL with a password in ${environment.databaseUrlVar}) set, so the plan carries it sealed.`,
    });
  }
  const key = manifestKeyMaterial(environment, env);
  if (!key) {
    throw new UsageError(`Run ${plan.runId}'s manifest is sealed in its plan, but this job has no key to open it.`, {
      hint: `Give this job the TOLLGATE_MANIFEST_KEY (or the ${environment.databaseUrlVar}) the preparing job had.`,
    });
  }
  const manifest = unsealManifest(plan.sealedManifest, plan.runId, key);
  return { manifest, opened: writeManifest(manifest, env) };
}

/**
 * The shards' parts → one run: results merged (Tollgate's merge) and Playwright's report merged
 * (`playwright merge-reports`), then cleanup, triage, gate, record and publish, once. A shard
 * that never reported, ran nothing or was interrupted makes the run INCONCLUSIVE.
 */
export async function mergeRun(o: {
  dirs: string[]; plan?: string; keepData?: boolean; processEnv?: NodeJS.ProcessEnv; print?: (line: string) => void;
}): Promise<RunOutcome> {
  const t0 = Date.now();
  const processEnv = o.processEnv ?? process.env;
  // With the plan given, a folder that is not there is a pipeline whose shards uploaded nothing.
  const absent = o.plan ? o.dirs.filter((d) => !existsSync(d)) : [];
  const found = findParts(o.dirs.filter((d) => !absent.includes(d)));
  if (!o.plan && !found.length) {
    throw new UsageError(`No shard's part (part.json) under ${o.dirs.join(', ')}.`, {
      hint: 'Pass the directories `tollgate run --shard` wrote (reports/<run>/shards), or give --plan so a run whose shards all failed is still cleaned up and recorded.',
    });
  }
  const plan = readPlan(o.plan ?? planFile(found[0]!.dir));
  const { total, missing } = checkParts(found, plan.runId);
  const environment = loadEnvironment(plan.environment, { env: processEnv });
  const config = {
    processEnv, environment, target: resolveTarget({ ...processEnv, TOLLGATE_ENV: environment.name }),
    quarantine: loadQuarantine(processEnv.TOLLGATE_QUARANTINE_FILE || undefined),
    owners: loadOwners(processEnv.TOLLGATE_OWNERS_FILE || undefined),
  };
  const s = openSession({ ...config, print: o.print }, 'finishing the cleanup, then recording the run as INCONCLUSIVE.');
  s.notes.push(...plan.notes);
  if (absent.length) s.notes.push(`No part in ${absent.join(', ')}: not there (no shard uploaded one).`);
  const reportDir = reportDirOf(plan.runId);
  mkdirSync(reportDir, { recursive: true });
  s.print(`tollgate merge ${plan.runId} · ${environment.name} · build ${plan.build} · ${found.length} of ${total || '?'} shard(s)`);
  s.replay(plan.steps);
  if (plan.seeded) {
    const key = manifestKeyMaterial(environment, processEnv);
    const manifest = existsSync(manifestPath(plan.runId, processEnv)) ? readManifest(plan.runId, processEnv)
      : plan.sealedManifest && key ? unsealManifest(plan.sealedManifest, plan.runId, key) : undefined;
    if (manifest) s.learn(manifestPasswords(manifest));
  }

  const historyRead = readHistory(environment, plan.build, s.notes, processEnv);
  historyRead.catch(() => {});
  let untestable: RunPlan['untestable'];
  let interrupted: string | undefined;
  let results: ReturnType<typeof mergeResults>['results'] = [];
  try {
    const parts = found.map((p) => ({ ...p, dir: gather(p.dir, shardDir(reportDir, p.part.shard)) }));
    const merged = mergeResults(parts);
    results = merged.results;
    const why = untestedBecause(plan);
    if (why) {
      s.step('verify', 'skipped', 0, why);
      s.step('suites', 'skipped', 0, why);
    } else {
      const ranNothing = parts.filter((p) => !p.results.length && !p.part.interrupted);
      interrupted = parts.find((p) => p.part.interrupted)?.part.interrupted;
      if (!parts.length) untestable = { step: 'suites', message: 'no shard reported (their jobs failed or were cancelled before writing a part)' };
      else if (missing.length) untestable = { step: 'suites', message: `shard(s) ${missing.map((i) => `${i}/${total}`).join(', ')} did not report (their jobs failed or were cancelled): the verdict cannot rest on part of the tests` };
      else if (ranNothing.length) untestable = { step: 'suites', message: `shard(s) ${ranNothing.map((p) => `${p.part.shard.current}/${total}`).join(', ')} ran no test (Playwright exit ${ranNothing.map((p) => p.part.exitCode).join(', ')}); see their playwright.log` };
      else if (merged.duplicates.length) untestable = { step: 'suites', message: `${merged.duplicates.length} test(s) were reported by more than one shard (e.g. ${merged.duplicates[0]}): the shards did not run the same test list` };
      const worst = Math.max(0, ...parts.map((p) => p.part.exitCode));
      suiteSteps(s, results, plan.projects, Math.max(0, ...parts.map((p) => p.part.durationMs)), worst, untestable?.message);
      if (parts.length) mergeAllureResults(parts.map((p) => p.dir), join(reportDir, 'allure-results'));
    }
  } finally {
    await cleanupStep(s, environment, plan, !!(o.keepData || processEnv.TOLLGATE_KEEP_DATA === '1'));
  }
  return finishRun(s, config, {
    plan, results, untestable, interrupted: interrupted ?? s.interrupted, historyRead, reportDir, t0: Date.parse(plan.startedAt) || t0,
    shards: total || undefined,
    publishExtra: found.length ? () => mergePlaywrightReports(reportDir) : undefined,
  });
}

/** A part downloaded elsewhere is copied to its place in the run's reports; attachments' paths point there. */
function gather(from: string, to: string): string {
  if (existsSync(to) && realpathSync(from) === realpathSync(to)) return to;
  rmSync(to, { recursive: true, force: true });
  mkdirSync(join(to, '..'), { recursive: true });
  cpSync(from, to, { recursive: true });
  return to;
}

/**
 * Allure results of every part into one folder. Setup tests ran in every shard: each keeps its
 * first result (by Tollgate id), like the merged results.
 */
function mergeAllureResults(partDirs: string[], into: string): void {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  const seen = new Set<string>();
  for (const dir of partDirs) {
    const from = join(dir, 'allure-results');
    if (!existsSync(from)) continue;
    for (const file of readdirSync(from)) {
      if (file.endsWith('-result.json')) {
        const labels = (JSON.parse(readFileSync(join(from, file), 'utf8')) as { labels?: { name: string; value: string }[] }).labels ?? [];
        const id = labels.find((l) => l.name === '_tollgate_id')?.value;
        if (id && seen.has(id)) continue;
        if (id) seen.add(id);
      }
      cpSync(join(from, file), join(into, file), { recursive: true });
    }
  }
}

/** `playwright merge-reports`: the shards' blob reports as one Playwright HTML report and JSON. */
async function mergePlaywrightReports(reportDir: string): Promise<string> {
  const blobs = join(reportDir, 'blob-reports');
  rmSync(blobs, { recursive: true, force: true });
  mkdirSync(blobs, { recursive: true });
  const shards = join(reportDir, 'shards');
  for (const part of existsSync(shards) ? readdirSync(shards) : []) {
    const dir = join(shards, part, 'blob-report');
    for (const zip of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.zip')) : []) cpSync(join(dir, zip), join(blobs, `${part}-${basename(zip)}`));
  }
  if (!readdirSync(blobs).length) return 'Playwright report: no blob reports to merge';
  const out = join(reportDir, 'playwright-report');
  const env = {
    ...process.env,
    PLAYWRIGHT_HTML_OUTPUT_DIR: out, PLAYWRIGHT_HTML_OPEN: 'never',
    PLAYWRIGHT_JSON_OUTPUT_NAME: join(reportDir, 'playwright.json'),
  };
  const cli = join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    const chunks: string[] = [];
    const child = spawn(process.execPath, [cli, 'merge-reports', '--reporter', 'html,json', blobs], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => chunks.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => chunks.push(b.toString()));
    child.on('exit', (c) => resolve({ code: c ?? 1, output: chunks.join('') }));
  });
  rmSync(blobs, { recursive: true, force: true });
  if (code !== 0) return `Playwright report NOT merged (merge-reports exit ${code}: ${output.trim().split('\n').pop()})`;
  return `Playwright report ${rel(out)}/index.html`;
}
