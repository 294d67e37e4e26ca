/**
 * The contract between a Tollgate run and the Playwright process it starts. Playwright's config,
 * fixtures, setup projects and reporters run in that process (and its workers) and learn about
 * the run only through environment variables; this module owns their names and their types.
 * The pipeline writes them with `contractEnv`, the Playwright side reads them with
 * `readContract`. A plain `npx playwright test` sets none of them and gets the defaults.
 */

/** Every variable of the contract, by field. */
export const CONTRACT_VARS = {
  env: 'TOLLGATE_ENV',
  runId: 'TOLLGATE_RUN_ID',
  resultsFile: 'TOLLGATE_RESULTS_FILE',
  eventsFile: 'TOLLGATE_EVENTS_FILE',
  jsonReport: 'PLAYWRIGHT_JSON_OUTPUT_NAME',
  allureResults: 'TOLLGATE_ALLURE_RESULTS',
  quietReporter: 'TOLLGATE_QUIET_REPORTER',
  blobDir: 'TOLLGATE_BLOB_DIR',
  expectedBuild: 'EXPECTED_BUILD',
  seeded: 'TOLLGATE_SEEDED',
  keepData: 'TOLLGATE_KEEP_DATA',
  seedProfile: 'TOLLGATE_SEED_PROFILE',
  seed: 'TOLLGATE_SEED',
  authDir: 'TOLLGATE_AUTH_DIR',
  workers: 'TOLLGATE_WORKERS',
  readyTimeoutS: 'TOLLGATE_READY_TIMEOUT',
} as const;

export interface RunContract {
  /** The environment under test (config/environments/<env>.env); default `local`. */
  env?: string;
  /** Fixed before workers start, so the seed, the suites and the cleanup share it. */
  runId?: string;
  /** Where the results reporter writes the normalized results. */
  resultsFile?: string;
  /** Where the results reporter appends each test's final result as it ends (one JSON line each): the early verdict reads it. */
  eventsFile?: string;
  /** Where Playwright's JSON reporter writes. */
  jsonReport?: string;
  /** Where allure-playwright writes its results. */
  allureResults?: string;
  /** A terse console reporter (dots): the gate prints its own lines. */
  quietReporter?: boolean;
  /** Also write a blob report here (a shard's, for `playwright merge-reports`). */
  blobDir?: string;
  /** The build the deployment must report. */
  expectedBuild?: string;
  /** The run seeded its data before Playwright started: the seed and cleanup projects skip. */
  seeded?: boolean;
  /** Keep this run's data after the suites (for inspection). */
  keepData?: boolean;
  /** The seed project's profile when Playwright seeds (default regression). */
  seedProfile?: string;
  /** The seed project's seed when Playwright seeds (default random). */
  seed?: number;
  /** Where this invocation keeps its signed-in sessions. */
  authDir?: string;
  workers?: number;
  /** How long readiness may take, in seconds (default: the environment's READY_TIMEOUT). */
  readyTimeoutS?: number;
}

type Field = keyof RunContract;
const BOOLEAN: ReadonlySet<Field> = new Set(['quietReporter', 'seeded', 'keepData']);
const NUMBER: ReadonlySet<Field> = new Set(['seed', 'workers', 'readyTimeoutS']);

/** The variables for a child process: set fields only (booleans as `1`). */
export function contractEnv(c: RunContract): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, name] of Object.entries(CONTRACT_VARS) as [Field, string][]) {
    const v = c[field];
    if (v === undefined || v === false || v === '') continue;
    out[name] = v === true ? '1' : String(v);
  }
  return out;
}

/** The contract as the Playwright side sees it; unset, empty or malformed values are undefined. */
export function readContract(env: NodeJS.ProcessEnv = process.env): RunContract {
  const c: Record<string, string | number | boolean> = {};
  for (const [field, name] of Object.entries(CONTRACT_VARS) as [Field, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (BOOLEAN.has(field)) c[field] = raw === '1' || raw === 'true';
    else if (NUMBER.has(field)) {
      const n = Number(raw);
      if (Number.isFinite(n) && raw.trim() !== '') c[field] = n;
    } else c[field] = raw;
  }
  return c as RunContract;
}
