/**
 * Step 1, config: the environment, flags, quarantine and owners, validated once before anything
 * runs (every problem listed; ConfigError or UsageError). What it returns, a RunConfig, is all
 * the later steps know about the run's settings.
 */
import { loadEnvironment, type Environment } from '../config/environment.ts';
import { type SuiteChoice } from '../config/policy.ts';
import { ConfigError } from '../config/errors.ts';
import { newRunId } from '../config/ids.ts';
import { resolveTarget, type Target } from '../config/target.ts';
import { changedPaths, loadChangeMap, selectRuns, type Component, type Selection } from '../gate/changes.ts';
import { loadOwners, type OwnerRule } from '../gate/owners.ts';
import { loadQuarantine } from '../gate/quarantine.ts';
import type { QuarantineEntry } from '../gate/types.ts';

/** What `tollgate run` and `tollgate prepare` are asked to do. */
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
  /** Stop the suites the moment BLOCK is certain (pipeline/early.ts); default: run on for the full evidence. */
  failFast?: boolean;
  /** Focused run: only tests whose title matches (Playwright --grep); setup projects still run in full. */
  grep?: string;
  /** Resolves a git range to changed files (tests inject one); default `git diff --name-only`. */
  gitDiff?: (range: string) => string[];
  processEnv?: NodeJS.ProcessEnv;
  /** One line per step and the summary; already redacted. */
  print?: (line: string) => void;
  /** Playwright's own output, passed through the redactor. */
  playwrightOutput?: 'inherit' | 'quiet';
}

/** What every step after the suites needs: where, against what, with which known failures and owners. */
export interface GateConfig {
  processEnv: NodeJS.ProcessEnv;
  environment: Environment;
  target: Target;
  quarantine: QuarantineEntry[];
  owners: OwnerRule[];
}

/** The validated settings of one run. */
export interface RunConfig extends GateConfig {
  suites: SuiteChoice[];
  runId: string;
  /** --build (or EXPECTED_BUILD, or the local stack's): what must be deployed; undefined: as deployed. */
  build?: string;
  /** A differential run's selection; undefined: everything runs. */
  selection?: Selection;
  /** A focused run's title filter (--grep); undefined: every test of the suites. */
  grep?: string;
}

export function loadGateConfig(envName: string, processEnv: NodeJS.ProcessEnv): GateConfig {
  const environment = loadEnvironment(envName, { env: processEnv });
  return {
    processEnv,
    environment,
    target: resolveTarget({ ...processEnv, TOLLGATE_ENV: environment.name }),
    quarantine: loadQuarantine(processEnv.TOLLGATE_QUARANTINE_FILE || undefined),
    owners: loadOwners(processEnv.TOLLGATE_OWNERS_FILE || undefined),
  };
}

export function loadRunConfig(o: RunOptions): RunConfig {
  const processEnv = o.processEnv ?? process.env;
  const environment = loadEnvironment(o.env, { env: processEnv });
  if (!environment.readOnly && !environment.databaseUrl) {
    throw new ConfigError(`${environment.databaseUrlVar} is not set: tollgate run seeds and cleans ${environment.name}'s database.`, {
      hint: `Export ${environment.databaseUrlVar}=postgresql://user:password@host:5432/db or put it in the git-ignored .env.${environment.name}.local.`,
    });
  }
  const gate = { ...loadGateConfig(o.env, processEnv), environment };
  const selection =
    o.changed !== undefined || o.components?.length
      ? selectRuns(loadChangeMap(processEnv.TOLLGATE_CHANGES_FILE || undefined), {
          changed: o.changed !== undefined ? changedPaths(o.changed, o.gitDiff) : undefined,
          components: o.components,
        })
      : undefined;
  const build = o.build ?? gate.target.expectedBuild;
  return {
    ...gate,
    suites: o.suites ?? environment.suites,
    runId: o.runId ?? processEnv.TOLLGATE_RUN_ID ?? newRunId(),
    ...(build ? { build } : {}),
    ...(selection ? { selection } : {}),
    ...(o.grep !== undefined ? { grep: o.grep } : {}),
  };
}
