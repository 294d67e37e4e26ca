/**
 * Allure setup, in one place: the options playwright.config.ts gives allure-playwright (results
 * directory, environment info, categories.json, and a listener that labels every result as it
 * is written), and the categories and executor the report build uses (reporters/allure-report.ts).
 * Labels and quarantine links are derived here from project, file and title, so no spec repeats
 * them and setup projects get them too. Categories come from the triage (gate/triage.ts and its
 * rules), never from a second list of patterns that could drift from it.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, posix, resolve } from 'node:path';
import type { Label, Link, Status, TestResult as AllureResult } from 'allure-js-commons';
import type { Category } from 'allure-js-commons/sdk';
import type { ReporterConfig } from 'allure-js-commons/sdk/reporter';
import type { Target } from '../config/target.ts';
import { loadQuarantine, quarantineIndex, type QuarantineIndex } from '../gate/quarantine.ts';
import { suiteOf, testId } from '../gate/results.ts';
import { RULES } from '../gate/triage-rules.ts';
import type { SuiteName, TriageCategory } from '../gate/types.ts';
import { manifestPath, readManifest } from '../seed/manifest.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { readContract } from '../config/run-contract.ts';
import { detectCi } from '../lib/ci.ts';

/** Where a run's Allure results go: TOLLGATE_ALLURE_RESULTS (tollgate run: reports/<run>/allure-results). */
export const allureResultsDir = (env: NodeJS.ProcessEnv = process.env) => resolve(REPO_ROOT, readContract(env).allureResults || 'allure-results');

/** Labels Tollgate adds; `triage` is written by the report build from the run's triage. */
export const LABEL = { triage: 'triage', quarantine: 'quarantine', testId: '_tollgate_id' } as const;

// ---- categories ---------------------------------------------------------------------------

/** The triage categories in the order the report lists them, with what each means to a reader. */
export const CATEGORY_NAMES: Record<TriageCategory, string> = {
  'known-issue': 'known-issue: quarantined, owned, with a ticket',
  flaky: 'flaky: passed on a retry, or flips between runs',
  environment: 'environment: target unreachable or not ready',
  deployment: 'deployment: wrong build, migrations or schema',
  'test-data': 'test-data: seed or manifest',
  automation: 'automation: the test itself broke',
  product: 'product: the product does not do what the test expects',
};
const ORDER = Object.keys(CATEGORY_NAMES) as TriageCategory[];
/** A failure the run's triage does not list (results without a triage, e.g. a run with no results.json). */
export const UNTRIAGED = 'untriaged: failed, not in the run\'s triage';
const FAILED = ['failed', 'broken'] as const;

/** Allure 3's category rule, the subset we write (the first category that matches a result wins). */
export interface AllureCategoryRule {
  id: string;
  name: string;
  matchers: ({ labels: Record<string, string> } | { statuses: readonly string[] })[];
}

/**
 * The report's categories: exactly the harness's triage. The report build puts each failure's
 * category in a `triage` label (gate/triage.ts decides it, with history when `tollgate run`
 * builds the report), and each Allure category matches one label value. Matching Allure's own
 * way, by message patterns, could not keep the rules' order: it interleaves categories
 * (not-ready, then migrations, then connection errors) and some rules look at the project,
 * the file or history.
 */
export function allureCategories(): AllureCategoryRule[] {
  return [
    ...ORDER.map((category) => ({ id: category, name: CATEGORY_NAMES[category], matchers: [{ labels: { [LABEL.triage]: `^${category}$` } }] })),
    // Before Allure's own "Product errors" / "Test errors", which would read as triage verdicts.
    { id: 'untriaged', name: UNTRIAGED, matchers: [{ statuses: FAILED }] },
  ];
}

/** A JS pattern as one that also works in Java (Allure 2) and matches anywhere in the message. */
function portable(re: RegExp): string {
  // Multiline ^ and $ as look-arounds: Allure 2 compiles without MULTILINE, JS RegExp() has no inline flags.
  const source = re.flags.includes('m') ? re.source.replace(/(?<![\\[])\^/g, '(?:^|(?<=\\n))').replace(/(?<!\\)\$/g, '(?=\\n|$)') : re.source;
  // Allure 2 requires the whole message to match.
  return `[\\s\\S]*(?:${source})[\\s\\S]*`;
}

/**
 * categories.json for Allure 2 and the classic report, which read it from the results (the
 * Allure 3 report uses allureCategories). One entry per triage rule that looks only at the
 * message or stack, in the rules' order; the catch-all is `product`. An approximation: rules
 * that need the quarantine, the project, the file or history are left out.
 */
export function allure2Categories(): Category[] {
  const statuses = [...FAILED] as Status[];
  return RULES.flatMap((r): Category[] => {
    const m = r.match;
    if (r.name === 'passed-on-retry') return [{ name: CATEGORY_NAMES.flaky, matchedStatuses: ['passed', ...statuses] as Status[], flaky: true }];
    if (r.category === 'product' && !m) return [{ name: CATEGORY_NAMES.product, matchedStatuses: statuses }];
    if (r.when || !m || m.project || m.file || m.titlePath) return [];
    return [{
      name: CATEGORY_NAMES[r.category],
      matchedStatuses: statuses,
      ...(m.message ? { messageRegex: portable(m.message) } : {}),
      ...(m.stack ? { traceRegex: portable(m.stack) } : {}),
    }];
  });
}

// ---- labels and links -----------------------------------------------------------------------

/** What a result is, as the harness names it. */
export interface TestRef {
  project: string;
  /** Relative to tests/, forward slashes: `smoke/api/api.spec.ts`. */
  file: string;
  titlePath: string[];
}

/**
 * Product area by keyword, first match wins: the spec file's name, then its describe blocks and
 * title. Specific words first (a dashboard that counts tags is about the dashboard).
 */
export const FEATURES: [RegExp, string][] = [
  [/^deployment\.spec/, 'deployment'],
  [/^security\.spec|\bCORS\b/, 'security'],
  [/^latency\.spec/, 'performance'],
  [/^accessibility\.spec/, 'accessibility'],
  [/\baudit/i, 'audit'],
  [/\brevokes?\b/i, 'tags'],
  [/\bverif(y|ies|ied|ication)/i, 'verify'],
  [/\bdashboard|\bstats\b/i, 'dashboard'],
  [/\bsign(s|ed|ing)? (in|out)\b|\blog ?in\b|\bsession|\bpermission|\brole\b|\bauth/i, 'auth'],
  [/\basset/i, 'assets'],
  [/\btags?\b|\brevoke/i, 'tags'],
];

export function featureOf(ref: TestRef): string {
  const name = basename(ref.file);
  const text = [name, ...ref.titlePath].join(' › ');
  // The file name decides first: the `^…\.spec` patterns only match it.
  return FEATURES.find(([re]) => re.test(name))?.[1] ?? FEATURES.find(([re]) => re.test(text))?.[1] ?? name.replace(/\.(spec|setup|teardown)\.ts$/, '');
}

/** How bad a failure is, from the gate suite: verify and setup break everything, smoke blocks. */
export const SEVERITY: Record<SuiteName, 'blocker' | 'critical' | 'normal'> = {
  setup: 'blocker', verify: 'blocker', smoke: 'critical', demo: 'normal', regression: 'normal',
};

/** epic (the gate suite), feature and severity; a label the test set itself is kept. */
export function labelsFor(ref: TestRef): Label[] {
  const suite = suiteOf(ref.project);
  return [
    { name: 'epic', value: suite },
    { name: 'feature', value: featureOf(ref) },
    { name: 'severity', value: SEVERITY[suite] },
  ];
}

/**
 * The harness's test id from what allure-playwright wrote: its fullName is the file under the
 * config's testDir (tests/) and the title path joined with ` › `, and the project is the
 * parent suite — the same parts gate/results.ts builds the id from.
 */
export function refOf(result: Pick<AllureResult, 'fullName' | 'labels'>): TestRef | undefined {
  const project = result.labels.find((l) => l.name === 'parentSuite')?.value;
  const [file, ...titlePath] = (result.fullName ?? '').split(' › ');
  if (!project || !file || !titlePath.length) return undefined;
  // Tests defined outside tests/ (the shared web journeys in fixtures/) come as `../fixtures/…`;
  // the id names them from the repository root, as gate/results.ts does.
  const fromRoot = posix.normalize(`tests/${file}`);
  return { project, file: fromRoot.replace(/^tests\//, ''), titlePath };
}

export const idOf = (ref: TestRef) => testId(ref.project, ref.file, ref.titlePath);

/** Adds Tollgate's labels and the quarantine ticket to one result, in place. Pure apart from that. */
export function enrichResult(result: AllureResult, quarantine: QuarantineIndex | undefined): void {
  const ref = refOf(result);
  if (!ref) return;
  const id = idOf(ref);
  const has = new Set(result.labels.map((l) => l.name));
  result.labels.push(...labelsFor(ref).filter((l) => !has.has(l.name)), { name: LABEL.testId, value: id });
  const entry = quarantine?.active(id);
  if (entry) {
    result.labels.push({ name: LABEL.quarantine, value: `${entry.ticket} (${entry.owner}, until ${entry.expires})` });
    const link: Link = { type: 'issue', name: entry.ticket, url: entry.ticket };
    if (!result.links.some((l) => l.url === link.url)) result.links.push(link);
  }
}

// ---- environment and executor ---------------------------------------------------------------

/**
 * What the report's Environment panel shows. `seed` is a getter: allure-playwright writes this
 * object at the end of the run, and in a plain `npx playwright test` the seed setup project
 * writes the manifest during it (READ_ONLY runs have none).
 */
export function environmentInfo(o: { target: Pick<Target, 'webURL' | 'apiURL' | 'expectedBuild'> & { environment: { name: string; readOnly: boolean } }; runId: string; env?: NodeJS.ProcessEnv }): Record<string, string | undefined> {
  const env = o.env ?? process.env;
  const info: Record<string, string | undefined> = {
    environment: `${o.target.environment.name}${o.target.environment.readOnly ? ' (READ_ONLY)' : ''}`,
    build: o.target.expectedBuild ?? 'unknown',
    web: o.target.webURL,
    api: o.target.apiURL,
    run: o.runId,
  };
  Object.defineProperty(info, 'seed', {
    enumerable: true,
    get: () => {
      try {
        return existsSync(manifestPath(o.runId, env)) ? String(readManifest(o.runId, env).seed) : undefined;
      } catch {
        return undefined; // a torn manifest is the seed step's problem, not the report's
      }
    },
  });
  return info;
}

/** Allure's executor.json: which CI ran the tests, and the link back to that run. */
export interface ExecutorInfo { name: string; type: string; url?: string; buildName?: string; buildUrl?: string; reportName?: string }

export function executorInfo(env: NodeJS.ProcessEnv, o: { runId: string; reportName?: string }): ExecutorInfo {
  const base = { reportName: o.reportName };
  const ci = detectCi(env);
  if (!ci) return { ...base, name: 'local', type: 'local', buildName: `${o.runId} on ${hostname()}` };
  if (ci.type === 'ci' || ci.type === 'codebuild') return { ...base, name: ci.provider, type: 'ci', buildName: o.runId };
  return { ...base, name: ci.provider, type: ci.type, url: ci.url, buildName: ci.buildName, buildUrl: ci.runUrl };
}

// ---- the reporter's options -----------------------------------------------------------------

export interface AllureReporterOptions extends ReporterConfig {
  detail?: boolean;
  suiteTitle?: boolean;
}

/** Options for `['allure-playwright', …]`. Cheap to build: workers load the config too. */
export function allureReporterOptions(o: { target: Parameters<typeof environmentInfo>[0]['target']; runId: string; env?: NodeJS.ProcessEnv }): AllureReporterOptions {
  const env = o.env ?? process.env;
  let quarantine: QuarantineIndex | undefined;
  let loaded = false;
  const index = () => {
    if (!loaded) {
      loaded = true;
      try {
        quarantine = quarantineIndex(loadQuarantine(env.TOLLGATE_QUARANTINE_FILE || undefined), new Date());
      } catch {
        // An invalid quarantine file stops `tollgate run` at its config step; here it costs links only.
      }
    }
    return quarantine;
  };
  return {
    resultsDir: allureResultsDir(env),
    environmentInfo: environmentInfo({ target: o.target, runId: o.runId, env }),
    categories: allure2Categories(),
    listeners: [{ beforeTestResultWrite: (result) => enrichResult(result, index()) }],
  };
}

/**
 * Where history is kept between runs, one file per environment, so the next build finds it.
 * TOLLGATE_ALLURE_HISTORY_DIR moves it, e.g. onto a CI cache that outlives the job's workspace.
 */
export const historyDir = (env: NodeJS.ProcessEnv = process.env) => resolve(REPO_ROOT, env.TOLLGATE_ALLURE_HISTORY_DIR || join('.tollgate', 'allure'));
export const historyFile = (environment: string, root = historyDir()) => join(root, environment, 'history.jsonl');
