/**
 * The data that flows through `tollgate run` after the suites: normalized results → triage →
 * verdict → the run record that is stored, reported and posted. Plain data, no behaviour, so
 * every later step is a pure function that unit tests can feed with literals.
 */

/** Final status of a test after its retries (Playwright's names). */
export type TestStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
/** Playwright's outcome: `flaky` = failed, then passed on a retry. */
export type TestOutcome = 'expected' | 'unexpected' | 'flaky' | 'skipped';
/** Which gate suite a test belongs to (from its project). */
export type SuiteName = 'setup' | 'verify' | 'smoke' | 'regression' | 'demo';

export interface TestError {
  message: string;
  stack?: string;
}

export interface Attachment {
  name: string;
  contentType: string;
  /** Path relative to the repository root, when the attachment is a file. */
  path?: string;
}

/** One test of one run, as the results reporter writes it (reports/<run>/results.json). */
export interface TestResult {
  /**
   * Stable across runs: `<project> › <file> › <title path>`, file relative to tests/ with forward
   * slashes, e.g. `smoke-api › smoke/api/verify.spec.ts › verify API › a genuine tag`.
   */
  id: string;
  project: string;
  suite: SuiteName;
  /** Relative to the repository root, forward slashes. */
  file: string;
  line: number;
  /** Describe blocks and the test title, without the file. */
  titlePath: string[];
  /** With the leading @, e.g. ['@smoke', '@writes']. */
  tags: string[];
  status: TestStatus;
  outcome: TestOutcome;
  /** Retries used (0 when the first attempt decided). */
  retries: number;
  durationMs: number;
  startedAt: string;
  /** The first error of the last failing attempt (also set for flaky tests: the retried failure). */
  error?: TestError;
  /**
   * Every error of that attempt, in Playwright's order (a test timeout first, then the call it
   * interrupted), at most MAX_ERRORS, each cut to a bounded size. Triage reads them all.
   */
  errors?: TestError[];
  attachments: Attachment[];
}

/**
 * `environment`: the target deployment could not be reached or answered 5xx; `infrastructure`:
 * the machinery running the tests failed (browser, driver or Grid session, worker, memory,
 * disk). Both mean "could not test": alone they give INCONCLUSIVE, never BLOCK.
 */
export type TriageCategory =
  'environment' | 'infrastructure' | 'deployment' | 'test-data' | 'automation' | 'known-issue' | 'flaky' | 'product';
export type Novelty = 'new' | 'recurring';

export interface Owner {
  team: string;
  /** Slack handle or user group, e.g. `@tags-team` or `<!subteam^S123>`. */
  slack?: string;
}

/** One failure (or flaky pass) after triage. */
export interface ClassifiedFailure {
  testId: string;
  category: TriageCategory;
  /** Name of the triage rule that matched (the first in the ordered table). */
  rule: string;
  /** Normalized error signature: numbers, ids, quoted values… stripped. */
  signature: string;
  /** For `product` failures only. */
  novelty?: Novelty;
}

export interface FailureGroup {
  category: TriageCategory;
  signature: string;
  count: number;
  tests: string[];
  novelty?: Novelty;
  /** The earliest run in history (this environment) where this signature failed; this run when new. */
  firstSeen: { build: string; runId: string; at: string };
  owner?: Owner;
  /** A representative error message (redacted, first lines). */
  example: string;
}

export interface Triage {
  failures: ClassifiedFailure[];
  groups: FailureGroup[];
}

export type Verdict = 'PROMOTE' | 'WARN' | 'BLOCK' | 'INCONCLUSIVE';

/** Why the verdict is what it is: machine-readable, with the tests that are the evidence. */
export interface Reason {
  /** e.g. `not-ready`, `critical-failed`, `pass-rate`, `min-tests`, `retried`, `quarantined`, `quarantine-expired`, `environmental`, `interrupted`, `deployment`. */
  rule: string;
  /** The verdict this reason alone would give. */
  verdict: Verdict;
  message: string;
  tests: string[];
}

export interface Decision {
  verdict: Verdict;
  /** Most severe first. */
  reasons: Reason[];
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
  quarantined: number;
}

export type StepName = 'config' | 'ready' | 'verify' | 'seed' | 'suites' | 'cleanup' | 'triage' | 'gate' | 'record' | 'publish';

export interface StepRecord {
  name: StepName;
  status: 'ok' | 'failed' | 'skipped';
  durationMs: number;
  /** One line: what the step did or why it failed. */
  detail: string;
}

/** Everything one run produced; what the store records and the reports render. */
export interface RunRecord {
  runId: string;
  environment: string;
  build: string;
  suites: string[];
  seed?: number;
  shard?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  steps: StepRecord[];
  verdict: Verdict;
  reasons: Reason[];
  counts: Counts;
  /** Per gate suite (verify, smoke, regression, demo) and per Playwright project. */
  countsBySuite: Record<string, Counts>;
  countsByProject: Record<string, Counts>;
  results: TestResult[];
  triage: Triage;
  target: { webURL: string; apiURL: string };
  ci?: { provider: string; runUrl?: string; actor?: string };
  /** Where this run's reports are, relative to the repository root. */
  reports?: { dir: string; allure?: string };
}

/** A past run as history gives it to triage, the verdict and the reports (newest first). */
export interface HistoryRun {
  runId: string;
  environment: string;
  build: string;
  verdict: Verdict;
  startedAt: string;
  durationMs: number;
  counts: Counts;
  /** Test id → final status and outcome in that run; only the tests it ran. */
  results: Record<string, { status: TestStatus; outcome: TestOutcome; signature?: string }>;
}

export interface PromotionRecord {
  build: string;
  fromEnv: string;
  toEnv: string;
  allowed: boolean;
  actor: string;
  at: string;
  /** The run whose verdict allowed (or would have allowed) the promotion. */
  evidenceRunId?: string;
  reasons: string[];
}

/** A person's consent that `build` may enter `environment` (REQUIRES_APPROVAL). */
export interface Approval {
  build: string;
  environment: string;
  approver: string;
  note?: string;
  at: string;
}

/** The gate's rules for one environment: configuration, so defined with it. */
export type { Policy } from '../config/policy.ts';

/** An entry of config/quarantine.json, validated. */
export interface QuarantineEntry {
  /** A test id, or a glob over test ids (`*` any text). */
  test: string;
  reason: string;
  owner: string;
  ticket: string;
  /** ISO date (YYYY-MM-DD); the entry protects its tests up to and including this day. */
  expires: string;
}
