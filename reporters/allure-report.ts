/**
 * Builds a run's Allure report offline with the Allure 3 CLI: reports/<run>/allure-results →
 * reports/<run>/allure-report (and, on request, the single file reports/<run>/allure-report.html
 * to attach or mail). Each failure is labelled with its triage category first, so the report's
 * categories are the harness's own; history per environment lives in .tollgate/allure/<env>/
 * where the next build finds it. Allure's quality gate is not configured: the gate decides.
 *
 * Air-gapped: the Awesome plugin always writes a Google Tag Manager script into index.html
 * (its template hard-codes `analyticsEnable: true`; no option turns it off). The build removes
 * that script and then refuses to finish if any generated file still loads something from the
 * network (see reporters/allure-offline.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TollgateError, UsageError } from '../config/errors.ts';
import type { Triage, TriageCategory } from '../gate/types.ts';
import { RUN_ID } from '../config/ids.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { allureCategories } from './allure/categories.ts';
import { executorInfo, historyDir, historyFile } from './allure/setup.ts';
import { idOf, LABEL, refOf } from './allure/labels.ts';
import { externalLoads, stripAnalytics } from './allure-offline.ts';

export interface BuildOptions {
  runId: string;
  environment: string;
  singleFile?: boolean;
  /** The run's triage: each failure's category becomes its `triage` label. Undefined: labels already in the results stay. */
  triage?: Triage;
  /** Where reports/<run>/ live; default the repository's reports/. */
  reportsDir?: string;
  /** Where history files live; default TOLLGATE_ALLURE_HISTORY_DIR or .tollgate/allure. */
  historyDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface BuiltReport {
  dir: string;
  singleFile?: string;
  ms: number;
  results: number;
}

/** History entries kept per environment: enough for trends, small enough to read in a moment. */
export const HISTORY_KEEP = 30;
const CLI = join(REPO_ROOT, 'node_modules', 'allure', 'cli.js');

export const reportsRoot = () => join(REPO_ROOT, 'reports');
export const reportName = (environment: string, runId: string) => `Tollgate · ${environment} · ${runId}`;

export async function buildAllureReport(o: BuildOptions): Promise<BuiltReport> {
  const t0 = Date.now();
  if (!/^[A-Za-z0-9][\w.-]*$/.test(o.environment)) {
    throw new UsageError(`"${o.environment}" is not an environment name.`, {
      hint: 'Use the name of a file in config/environments/, e.g. --env staging.',
    });
  }
  const runDir = join(o.reportsDir ?? reportsRoot(), o.runId);
  const results = join(runDir, 'allure-results');
  const resultFiles = existsSync(results) ? readdirSync(results).filter((f) => f.endsWith('-result.json')) : [];
  if (!resultFiles.length) {
    throw new UsageError(`Run ${o.runId} has no Allure results (${relative(process.cwd(), results) || results} is missing or empty).`, {
      hint: 'Allure results are written by `tollgate run` (or Playwright with TOLLGATE_ALLURE_RESULTS set); pick another run with --run, or --latest.',
    });
  }
  const name = reportName(o.environment, o.runId);
  labelTriage(results, resultFiles, o.triage);
  // Where the tests ran: written once, so rebuilding a CI run's results elsewhere keeps its CI link.
  const executor = join(results, 'executor.json');
  if (!existsSync(executor))
    writeFileSync(executor, JSON.stringify(executorInfo(o.env ?? process.env, { runId: o.runId, reportName: name }), null, 2));

  const history = historyFile(o.environment, o.historyDir ?? historyDir(o.env));
  pruneHistory(history, name);
  const work = join(runDir, `.allure-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const config = join(work, 'allurerc.json');
    writeFileSync(config, allureConfig({ name, history, singleFile: !!o.singleFile }));
    await runAllure(['generate', results, '--config', config, '--output', join(work, 'out')], work);

    // One plugin: Allure flattens its output; two: one directory each (and a summary page we drop).
    const dir = join(runDir, 'allure-report');
    const single = join(runDir, 'allure-report.html');
    rmSync(dir, { recursive: true, force: true });
    rmSync(single, { force: true });
    renameSync(o.singleFile ? join(work, 'out', 'awesome') : join(work, 'out'), dir);
    if (o.singleFile) renameSync(join(work, 'out', 'single', 'index.html'), single);

    const files = [...htmlFiles(dir), ...(o.singleFile ? [single] : [])];
    for (const f of files) writeFileSync(f, stripAnalytics(readFileSync(f, 'utf8')));
    // Allure's own files; what tests attached (data/attachments) is evidence, shown as it was captured.
    const loads = externalLoads(dir)
      .filter((l) => !relative(dir, l.file).startsWith(join('data', 'attachments')))
      .concat(o.singleFile ? externalLoads(single) : []);
    if (loads.length) {
      throw new TollgateError(
        `The Allure report would load ${loads.length} thing(s) from the network, e.g. ${loads[0]!.url} in ${relative(runDir, loads[0]!.file)}.`,
        {
          hint: 'A new Allure version changed its template: update stripAnalytics in reporters/allure-offline.ts (the report must work air-gapped).',
        },
      );
    }
    return { dir, singleFile: o.singleFile ? single : undefined, ms: Date.now() - t0, results: resultFiles.length };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The Allure 3 config for one build (allurerc.json; written beside the build, never in the repository). */
export function allureConfig(o: { name: string; history: string; singleFile: boolean }): string {
  const awesome = { reportName: o.name, reportLanguage: 'en', groupBy: ['parentSuite', 'suite', 'subSuite'] };
  const config = {
    name: o.name,
    historyPath: o.history,
    appendHistory: true,
    categories: allureCategories(),
    plugins: {
      awesome: { options: { ...awesome, singleFile: false } },
      ...(o.singleFile ? { single: { import: '@allurereport/plugin-awesome', options: { ...awesome, singleFile: true } } } : {}),
      // Added by default otherwise; it writes files for coding agents, not people.
      agent: { enabled: false },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function runAllure(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    // Nothing is uploaded: that needs `allureService` in the config, which we never write.
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', (e) =>
      reject(
        new TollgateError(`Could not start the Allure CLI: ${e.message}`, {
          hint: 'The npm package `allure` (Allure 3) must be installed: npm ci.',
        }),
      ),
    );
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new TollgateError(`allure generate failed (exit ${code}):\n${output.trim().split('\n').slice(-15).join('\n')}`, {
            hint: 'See the Allure output above; the results stay in allure-results for another try with `tollgate report`.',
          }),
        );
    });
  });
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

// ---- triage labels --------------------------------------------------------------------------

type StoredResult = { labels: { name: string; value: string }[]; fullName?: string };
/** A result file, or undefined for one a killed run left half-written (Allure skips those too). */
function readResult(dir: string, file: string): StoredResult | undefined {
  try {
    const r = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StoredResult;
    return Array.isArray(r.labels) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an earlier build already labelled the results with a triage. */
export function hasTriageLabels(runDir: string): boolean {
  const dir = join(runDir, 'allure-results');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('-result.json')) : [];
  return files.some((f) => readResult(dir, f)?.labels.some((l) => l.name === LABEL.triage));
}

/** Puts each failure's triage category in a `triage` label (replacing earlier ones). */
function labelTriage(dir: string, files: string[], triage: Triage | undefined): void {
  if (!triage) return;
  const category = new Map<string, TriageCategory>(triage.failures.map((f) => [f.testId, f.category]));
  for (const file of files) {
    const result = readResult(dir, file);
    if (!result) continue;
    const ref = refOf(result);
    const id = ref ? idOf(ref) : result.labels.find((l) => l.name === LABEL.testId)?.value;
    const labels = result.labels.filter((l) => l.name !== LABEL.triage);
    const c = id ? category.get(id) : undefined;
    if (c) labels.push({ name: LABEL.triage, value: c });
    writeFileSync(join(dir, file), JSON.stringify({ ...result, labels }));
  }
}

// ---- history --------------------------------------------------------------------------------

/**
 * Drops this report's earlier entry (a rebuild of the same run must not count twice in the
 * trend) and keeps the newest HISTORY_KEEP - 1, so the file stays small whatever the run count.
 */
export function pruneHistory(file: string, name: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const kept = lines
    .filter((l) => {
      try {
        return (JSON.parse(l) as { name?: string }).name !== name;
      } catch {
        return false; // a torn line (a build killed mid-write) would stop Allure from reading the rest
      }
    })
    .slice(-(HISTORY_KEEP - 1));
  if (kept.length === lines.length) return;
  writeFileSync(`${file}.tmp`, kept.map((l) => `${l}\n`).join(''));
  renameSync(`${file}.tmp`, file);
}

// ---- which run ------------------------------------------------------------------------------

/** The newest run under `reportsDir` that has Allure results (run ids sort by their start time). */
export function latestRun(reportsDir = reportsRoot()): string | undefined {
  if (!existsSync(reportsDir)) return undefined;
  return readdirSync(reportsDir)
    .filter((d) => RUN_ID.test(d) && existsSync(join(reportsDir, d, 'allure-results')))
    .sort()
    .at(-1);
}

/** The environment a run's results were written in (their environment.properties), if recorded. */
export function environmentOf(runId: string, reportsDir = reportsRoot()): string | undefined {
  const file = join(reportsDir, runId, 'allure-results', 'environment.properties');
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('environment='));
  return (
    line
      ?.slice('environment='.length)
      .replace(/\s*\(READ_ONLY\)$/, '')
      .trim() || undefined
  );
}
