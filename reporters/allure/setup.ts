/**
 * Allure setup for a run: the options playwright.config.ts gives allure-playwright (results
 * directory, environment info, Allure 2 categories, a listener that labels every result as it
 * is written), the executor the report build writes, and where history is kept.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReporterConfig } from 'allure-js-commons/sdk/reporter';
import { REPO_ROOT } from '../../config/paths.ts';
import { readContract } from '../../config/run-contract.ts';
import type { Target } from '../../config/target.ts';
import { loadQuarantine, quarantineIndex, type QuarantineIndex } from '../../gate/quarantine.ts';
import { detectCi } from '../../lib/ci.ts';
import { manifestPath, readManifest } from '../../seed/manifest.ts';
import { allure2Categories } from './categories.ts';
import { enrichResult } from './labels.ts';

/** Where a run's Allure results go: TOLLGATE_ALLURE_RESULTS (tollgate run: reports/<run>/allure-results). */
export const allureResultsDir = (env: NodeJS.ProcessEnv = process.env) =>
  resolve(REPO_ROOT, readContract(env).allureResults || 'allure-results');

/**
 * What the report's Environment panel shows. `seed` is a getter: allure-playwright writes this
 * object at the end of the run, and in a plain `npx playwright test` the seed setup project
 * writes the manifest during it (READ_ONLY runs have none).
 */
export function environmentInfo(o: {
  target: Pick<Target, 'webURL' | 'apiURL' | 'expectedBuild'> & { environment: { name: string; readOnly: boolean } };
  runId: string;
  env?: NodeJS.ProcessEnv;
}): Record<string, string | undefined> {
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
export interface ExecutorInfo {
  name: string;
  type: string;
  url?: string;
  buildName?: string;
  buildUrl?: string;
  reportName?: string;
}

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
export function allureReporterOptions(o: {
  target: Parameters<typeof environmentInfo>[0]['target'];
  runId: string;
  env?: NodeJS.ProcessEnv;
}): AllureReporterOptions {
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
export const historyDir = (env: NodeJS.ProcessEnv = process.env) =>
  resolve(REPO_ROOT, env.TOLLGATE_ALLURE_HISTORY_DIR || join('.tollgate', 'allure'));
export const historyFile = (environment: string, root = historyDir()) => join(root, environment, 'history.jsonl');
