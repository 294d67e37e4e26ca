/**
 * The promotion report's model: one run and its history reduced to what a release manager reads
 * (verdict, reasons, what is new and what is fixed, whose it is). Pure: the renderers and the
 * JSON file all come from this one value, so they cannot disagree.
 */
import { posix } from 'node:path';
import type { Counts, FailureGroup, HistoryRun, RunRecord, TestResult, TestStatus } from '../../gate/types.ts';
import {
  REPORT_SCHEMA,
  TREND_RUNS,
  type CountsRow,
  type PathStop,
  type QuarantinedRow,
  type ReportContext,
  type ReportModel,
  type RunRef,
  type TestRef,
  type TrendPoint,
} from './model-types.ts';
import { errorSummary, firstLine, firstLines, isWebUrl, shortBuild } from './text.ts';

const FAILED = new Set<TestStatus>(['failed', 'timedOut']);
const isFailure = (s: TestStatus | undefined) => s !== undefined && FAILED.has(s);

/** Passed of executed, in %. Interrupted and skipped tests did not run, so they do not count. */
export function passRateOf(statuses: TestStatus[]): number | null {
  const executed = statuses.filter((s) => s === 'passed' || FAILED.has(s)).length;
  return executed ? (100 * statuses.filter((s) => s === 'passed').length) / executed : null;
}

/** For runs known only by their counts (flaky tests passed in the end). */
function passRateOfCounts(c: Counts): number | null {
  const executed = c.total - c.skipped;
  return executed > 0 ? (100 * Math.max(0, executed - c.failed)) / executed : null;
}

const rate = (statuses: TestStatus[], counts: Counts) => (statuses.length ? passRateOf(statuses) : passRateOfCounts(counts));
const runRef = (h: HistoryRun): RunRef => ({ runId: h.runId, build: h.build, verdict: h.verdict, at: h.startedAt });
const uniq = <T>(items: T[]) => [...new Set(items)];

export function buildReportModel(record: RunRecord, ctx: ReportContext, options: { reportDir?: string } = {}): ReportModel {
  const reportDir = options.reportDir ?? record.reports?.dir ?? `reports/${record.runId}`;
  const byId = new Map(record.results.map((r) => [r.id, r]));
  const triaged = new Map(record.triage.failures.map((f) => [f.testId, f]));
  const ownerOf = new Map<string, string>();
  for (const g of record.triage.groups) if (g.owner) for (const t of g.tests) ownerOf.set(t, ownerText(g.owner));

  const ref = (id: string): TestRef => {
    const r = byId.get(id);
    const f = triaged.get(id);
    const owner = ownerOf.get(id);
    return {
      id,
      project: r?.project ?? id.split(' › ')[0] ?? '',
      title: r ? r.titlePath.join(' › ') : id.split(' › ').slice(2).join(' › ') || id,
      location: r ? `${r.file}:${r.line}` : '',
      ...(r ? { status: r.status } : {}),
      ...(r?.error?.message ? { error: errorSummary(r.error.message) } : {}),
      ...(f ? { category: f.category } : {}),
      ...(f?.novelty ? { novelty: f.novelty } : {}),
      ...(owner ? { owner } : {}),
    };
  };

  const previous = ctx.history[0];
  const failed = record.results.filter((r) => isFailure(r.status));
  const statusIn = (h: HistoryRun | undefined, id: string) => h?.results[id]?.status;
  const newSinceLastRun = failed.filter(
    (r) => !previous || statusIn(previous, r.id) === undefined || statusIn(previous, r.id) === 'passed',
  );
  const newSinceLastPromoted = ctx.lastPromoted ? failed.filter((r) => statusIn(ctx.lastPromoted, r.id) === 'passed') : [];
  const fixed = previous ? record.results.filter((r) => r.status === 'passed' && isFailure(statusIn(previous, r.id))) : [];

  const flakyIds = uniq([
    ...record.results.filter((r) => r.outcome === 'flaky').map((r) => r.id),
    ...record.triage.groups.filter((g) => g.category === 'flaky').flatMap((g) => g.tests),
    ...record.triage.failures.filter((f) => f.category === 'flaky').map((f) => f.testId),
  ]);

  const quarantineReasons = record.reasons.filter((r) => r.rule === 'quarantined' || r.rule === 'quarantine-expired');
  const quarantined = record.triage.failures
    .filter((f) => f.category === 'known-issue')
    .map((f): QuarantinedRow => {
      // The gate's quarantine reasons carry the entry's owner and ticket in their message.
      const reason = quarantineReasons.find((r) => r.tests.includes(f.testId));
      return { test: ref(f.testId), note: reason?.message ?? `rule ${f.rule}`, expired: reason?.rule === 'quarantine-expired' };
    });

  const buildPath = pathWithThisRun(record, ctx.buildPath);
  const here = buildPath.findIndex((s) => s.current);
  const nextEnvironment = here >= 0 ? buildPath[here + 1]?.environment : undefined;

  const rows = (counts: Record<string, Counts>, key: (r: TestResult) => string): CountsRow[] =>
    Object.entries(counts).map(([name, c]) => ({
      name,
      counts: c,
      passRate: rate(
        record.results.filter((r) => key(r) === name).map((r) => r.status),
        c,
      ),
    }));

  const earlier = ctx.history.slice(0, TREND_RUNS - 1).reverse();
  const trend: TrendPoint[] = [
    ...earlier.map((h) => ({
      ...runRef(h),
      passRate: rate(
        Object.values(h.results).map((r) => r.status),
        h.counts,
      ),
      durationMs: h.durationMs,
      current: false,
    })),
    {
      runId: record.runId,
      build: record.build,
      verdict: record.verdict,
      at: record.startedAt,
      passRate: rate(
        record.results.map((r) => r.status),
        record.counts,
      ),
      durationMs: record.durationMs,
      current: true,
    },
  ];

  const traces = record.results.flatMap((r) =>
    r.attachments.filter((a) => a.name === 'trace' && a.path).map((a) => ({ testId: r.id, path: a.path! })),
  );
  const allure = ctx.allureUrl && (isWebUrl(ctx.allureUrl) ? ctx.allureUrl : posix.join(reportDir, ctx.allureUrl));

  return {
    schema: REPORT_SCHEMA,
    reportDir,
    run: {
      runId: record.runId,
      environment: record.environment,
      build: record.build,
      suites: record.suites,
      ...(record.seed !== undefined ? { seed: record.seed } : {}),
      ...(record.shard !== undefined ? { shard: record.shard } : {}),
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      durationMs: record.durationMs,
      target: record.target,
      ...(record.ci ? { ci: record.ci } : {}),
    },
    verdict: record.verdict,
    headline: headline(record, nextEnvironment),
    ...(nextEnvironment ? { nextEnvironment } : {}),
    reasons: record.reasons.map((r) => ({ ...r, owners: uniq(r.tests.map((t) => ownerOf.get(t)).filter((o): o is string => !!o)) })),
    counts: record.counts,
    passRate: rate(
      record.results.map((r) => r.status),
      record.counts,
    ),
    bySuite: rows(record.countsBySuite, (r) => r.suite),
    byProject: rows(record.countsByProject, (r) => r.project),
    ...(previous ? { previousRun: runRef(previous) } : {}),
    ...(ctx.lastPromoted ? { lastPromoted: runRef(ctx.lastPromoted) } : {}),
    failures: failed.map((r) => ref(r.id)),
    newSinceLastRun: newSinceLastRun.map((r) => ref(r.id)),
    newSinceLastPromoted: newSinceLastPromoted.map((r) => ref(r.id)),
    fixed: fixed.map((r) => ref(r.id)),
    flaky: flakyIds.map(ref),
    quarantined,
    groups: record.triage.groups.map((g) => ({
      category: g.category,
      signature: g.signature,
      count: g.count,
      ...(g.novelty ? { novelty: g.novelty } : {}),
      ...(g.owner ? { owner: ownerText(g.owner) } : {}),
      example: firstLines(g.example),
      firstSeen: g.firstSeen,
      tests: g.tests,
    })),
    steps: record.steps,
    buildPath,
    trend,
    links: {
      ...(allure ? { allure } : {}),
      ...(record.ci?.runUrl ? { ci: record.ci.runUrl } : {}),
      traces,
    },
    notes: ctx.notes ?? [],
  };
}

/** Test id → `project › title`, for the tests the report knows by more than their id. */
export function titlesOf(model: Pick<ReportModel, 'failures' | 'flaky' | 'quarantined'>): Map<string, string> {
  return new Map(
    [...model.failures, ...model.flaky, ...model.quarantined.map((q) => q.test)].map((t) => [t.id, `${t.project} › ${t.title}`]),
  );
}

const ownerText = (o: NonNullable<FailureGroup['owner']>) => (o.slack ? `${o.team} (${o.slack})` : o.team);

/** This run is this build's latest verdict here, whatever the caller's path says. */
function pathWithThisRun(record: RunRecord, path: ReportContext['buildPath']): PathStop[] {
  const stops: PathStop[] = path.map((s) => ({ ...s, current: s.environment === record.environment }));
  const mine = { environment: record.environment, verdict: record.verdict, runId: record.runId, at: record.startedAt, current: true };
  const i = stops.findIndex((s) => s.current);
  if (i >= 0) stops[i] = mine;
  else stops.push(mine);
  return stops;
}

/** One sentence that answers "can we ship?". */
export function headline(record: Pick<RunRecord, 'verdict' | 'build' | 'environment' | 'reasons'>, next: string | undefined): string {
  const build = `build ${shortBuild(record.build)}`;
  const why = record.reasons.find((r) => r.verdict === record.verdict)?.message ?? record.reasons[0]?.message;
  const because = why ? `: ${firstLine(why, 200).replace(/\.+$/, '')}` : '';
  switch (record.verdict) {
    case 'PROMOTE':
      return next
        ? `Ship it: ${build} passed in ${record.environment} and may be promoted to ${next}.`
        : `${cap(build)} passed in ${record.environment}.`;
    case 'WARN':
      return next
        ? `${cap(build)} may be promoted to ${next}, with warnings${because}.`
        : `${cap(build)} passed in ${record.environment}, with warnings${because}.`;
    case 'BLOCK':
      return `Do not promote ${build}${because || `: it failed in ${record.environment}`}.`;
    case 'INCONCLUSIVE':
      // The runner's own failure is said as such: the environment was fine, the machine testing it was not.
      if (
        record.reasons.some((r) => r.rule === 'infrastructure') &&
        !record.reasons.some((r) => r.rule === 'environmental' || r.rule === 'not-ready')
      ) {
        return `The test runner failed, so ${build} has no verdict in ${record.environment}${because}.`;
      }
      return `${cap(record.environment)} could not be tested, so ${build} has no verdict${because}. Run again when the environment is ready.`;
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
