/**
 * Steps 7 and 8, triage and gate: every failure classified (with history), then the verdict from
 * the results, the triage and the environment's policy. Returns the run's record: everything the
 * store keeps and the reports render, redacted.
 */
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { focusReason } from '../gate/focus.ts';
import { decide } from '../gate/policy.ts';
import { quarantineIndex, type QuarantineIndex } from '../gate/quarantine.ts';
import { countBy, countResults, isFailure, suiteRank } from '../gate/results.ts';
import { triage as triageResults } from '../gate/triage.ts';
import type { Decision, RunRecord, TestResult, Triage } from '../gate/types.ts';
import { detectCi } from '../lib/ci.ts';
import type { GateConfig } from './config.ts';
import type { History } from './history.ts';
import type { RunPlan } from './plan.ts';
import { injectedFailure, unexpected } from './guard.ts';
import type { Untestable } from './rules.ts';
import type { Session } from './session.ts';

export interface DecideInput {
  plan: RunPlan;
  results: TestResult[];
  untestable?: Untestable;
  interrupted?: string;
  history: History;
  reportDir: string;
  /** When the run started (ms): the record's duration runs from it. */
  t0: number;
  /** A sharded run: how many shards ran it. */
  shards?: number;
}

/** Setup tests count only when they failed (a broken sign-in matters; a passed one is plumbing). */
export const countedResults = (results: TestResult[]) => results.filter((r) => r.suite !== 'setup' || isFailure(r));

/** Triage of a run's (counted) results against its history: at the end, and for the early verdict while the suites run. */
export function triageRun(
  config: Pick<GateConfig, 'environment' | 'owners'>,
  plan: Pick<RunPlan, 'runId' | 'build'>,
  counted: TestResult[],
  history: History,
  quarantine: QuarantineIndex,
): Triage {
  return triageResults(counted, history.history, {
    runId: plan.runId,
    build: plan.build,
    at: new Date().toISOString(),
    quarantined: (id) => quarantine.active(id),
    owners: config.owners,
    policy: config.environment.policy,
  });
}

export function decideStep(s: Session, config: GateConfig, a: DecideInput): RunRecord {
  const { environment, target, processEnv } = config;
  const { plan, results, reportDir } = a;
  const { runId, build } = plan;
  let t = Date.now();
  const quarantine = quarantineIndex(config.quarantine, new Date());
  const counted = countedResults(results);
  // An unplanned error in triage or the gate costs the run its verdict's ground, never its verdict: INCONCLUSIVE, named.
  let broken: Untestable | undefined;
  let triage: Triage = { failures: [], groups: [] };
  try {
    injectedFailure('triage', processEnv);
    triage = triageRun(config, plan, counted, a.history, quarantine);
    s.step(
      'triage',
      'ok',
      Date.now() - t,
      triage.groups.length
        ? `${triage.failures.length} failure(s) in ${triage.groups.length} group(s): ${[...new Set(triage.groups.map((g) => g.category))].join(', ')}`
        : 'no failures',
    );
  } catch (e) {
    broken = unexpected('triage', e);
    s.step('triage', 'failed', Date.now() - t, broken.message);
  }

  t = Date.now();
  let decision: Decision;
  try {
    injectedFailure('gate', processEnv);
    decision = decide({
      results,
      triage,
      policy: environment.policy,
      quarantine,
      notReady: plan.notReady,
      interrupted: plan.interrupted ?? a.interrupted,
      untestable: plan.untestable ?? a.untestable ?? broken,
    });
    if (plan.grep) decision.reasons.push(focusReason(plan.grep, decision.verdict));
    s.step('gate', 'ok', Date.now() - t, `${decision.verdict}: ${decision.reasons[0]?.message ?? ''}`);
  } catch (e) {
    const failed = unexpected('gate', e);
    decision = {
      verdict: 'INCONCLUSIVE',
      reasons: [
        {
          rule: 'untestable',
          verdict: 'INCONCLUSIVE',
          message: `The gate step failed, so no verdict could be decided: ${failed.message}`,
          tests: [],
        },
      ],
    };
    s.step('gate', 'failed', Date.now() - t, `${decision.verdict}: ${failed.message}`);
  }

  const quarantined = new Set(triage.failures.filter((f) => f.category === 'known-issue').map((f) => f.testId));
  const ci = detectCi(processEnv);
  return s.redactor.json({
    runId,
    environment: environment.name,
    build,
    suites: plan.suites,
    seed: plan.seed,
    ...(a.shards ? { shard: `${a.shards} shards` } : {}),
    startedAt: plan.startedAt,
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - a.t0,
    steps: s.steps,
    verdict: decision.verdict,
    reasons: decision.reasons,
    counts: countResults(counted, quarantined),
    countsBySuite: countBy(counted, (r) => r.suite, quarantined, suiteRank),
    countsByProject: countBy(counted, (r) => r.project, quarantined),
    results,
    triage,
    target: { webURL: target.webURL, apiURL: target.apiURL },
    ...(ci ? { ci: { provider: ci.provider, ...(ci.runUrl ? { runUrl: ci.runUrl } : {}), ...(ci.actor ? { actor: ci.actor } : {}) } } : {}),
    reports: { dir: relative(REPO_ROOT, reportDir), allure: relative(REPO_ROOT, join(reportDir, 'allure-report.html')) },
  });
}
