/**
 * The shape of the promotion report's model (model.ts computes it): what the HTML, the
 * Markdown summary and report.json all render. report.json is this, as JSON.
 */
import type {
  Counts,
  FailureGroup,
  HistoryRun,
  Novelty,
  Reason,
  RunRecord,
  StepRecord,
  TestStatus,
  TriageCategory,
  Verdict,
} from '../../gate/types.ts';

export const REPORT_SCHEMA = 'tollgate.promotion-report/1';
/** Runs in the trend, this one included. */
export const TREND_RUNS = 20;

export interface ReportContext {
  /** Earlier runs in this environment, newest first, not including this one (≤ 20 used for the trend). */
  history: HistoryRun[];
  /** The newest earlier PROMOTE/WARN run in this environment. */
  lastPromoted?: HistoryRun;
  /** The promotion order with this build's latest verdict in each env (verdict undefined = not run there yet). */
  buildPath: { environment: string; verdict?: Verdict; runId?: string; at?: string }[];
  /** Link to the Allure report, relative to the report directory (reports/<run id>/), or a web URL. */
  allureUrl?: string;
  /** E.g. "results store unreachable: spooled to .tollgate/spool/…". */
  notes?: string[];
}

/** A test as the report lists it. */
export interface TestRef {
  id: string;
  project: string;
  /** Describe blocks and title, joined with ' › '. */
  title: string;
  /** `file:line`, relative to the repository root. */
  location: string;
  status?: TestStatus;
  /** The error's first lines, ANSI-free (still untrusted: renderers escape it). */
  error?: string;
  category?: TriageCategory;
  novelty?: Novelty;
  /** `team (slack)`, from the triage group the test is in. */
  owner?: string;
}

export interface RunRef {
  runId: string;
  build: string;
  verdict: Verdict;
  at: string;
}
export interface ReasonView extends Reason {
  owners: string[];
}
export interface CountsRow {
  name: string;
  counts: Counts;
  passRate: number | null;
}
export interface GroupRow {
  category: TriageCategory;
  signature: string;
  count: number;
  novelty?: Novelty;
  owner?: string;
  example: string;
  firstSeen: FailureGroup['firstSeen'];
  tests: string[];
}
export interface QuarantinedRow {
  test: TestRef;
  note: string;
  expired: boolean;
}
export interface TrendPoint {
  runId: string;
  build: string;
  verdict: Verdict;
  at: string;
  passRate: number | null;
  durationMs: number;
  current: boolean;
}
export interface PathStop {
  environment: string;
  verdict?: Verdict;
  runId?: string;
  at?: string;
  current: boolean;
}

export interface ReportModel {
  schema: typeof REPORT_SCHEMA;
  /** Where the report is written, relative to the repository root; links are computed from it. */
  reportDir: string;
  run: Pick<
    RunRecord,
    'runId' | 'environment' | 'build' | 'suites' | 'seed' | 'shard' | 'startedAt' | 'finishedAt' | 'durationMs' | 'target' | 'ci'
  >;
  verdict: Verdict;
  /** The verdict in plain words, one sentence. */
  headline: string;
  nextEnvironment?: string;
  reasons: ReasonView[];
  counts: Counts;
  /** Passed of executed (passed, failed, timed out), in %; null when nothing ran. */
  passRate: number | null;
  bySuite: CountsRow[];
  byProject: CountsRow[];
  previousRun?: RunRef;
  lastPromoted?: RunRef;
  failures: TestRef[];
  newSinceLastRun: TestRef[];
  newSinceLastPromoted: TestRef[];
  fixed: TestRef[];
  flaky: TestRef[];
  quarantined: QuarantinedRow[];
  groups: GroupRow[];
  steps: StepRecord[];
  buildPath: PathStop[];
  /** Oldest first, this run last. */
  trend: TrendPoint[];
  /** Repository-relative paths (or web URLs); renderers make them relative to `reportDir`. */
  links: { allure?: string; ci?: string; traces: { testId: string; path: string }[] };
  notes: string[];
}
