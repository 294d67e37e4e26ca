/**
 * `tollgate run`: the main job, as DESIGN.md's steps, each a module of this folder:
 *
 *   config → ready → seed → verify + suites → cleanup → triage → gate → record → publish
 *   config.ts  ready.ts seed.ts  suites.ts      cleanup.ts  decide.ts     record.ts publish.ts
 *
 * Each step is timed and reported as one line; a step that fails says why, and the run still
 * ends with a verdict, a record and reports. Cleanup always runs (after failures and on
 * SIGINT/SIGTERM). A sharded run does the same steps spread over processes and machines:
 * prepare.ts (config → ready → seed, once), shard.ts (its part of the suites), merge.ts (the
 * parts together → cleanup → finishRun, once).
 *
 * verify runs in the same Playwright invocation as the suites, after seeding: its role checks
 * sign in as this run's users, and one invocation keeps time to verdict close to bare
 * Playwright's.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import type { RunRecord } from '../gate/types.ts';
import { cleanupStep } from './cleanup.ts';
import { loadRunConfig, type GateConfig, type RunOptions } from './config.ts';
import { decideStep, type DecideInput } from './decide.ts';
import { failFastNote, watchEarly } from './early.ts';
import { readHistorySoon, type History } from './history.ts';
import type { RunPlan } from './plan.ts';
import { publishStep } from './publish.ts';
import { recordStep } from './record.ts';
import { unexpected } from './guard.ts';
import { EXIT_CODE, noTestsBecause, untestedBecause, type Untestable } from './rules.ts';
import { openSession, type Session } from './session.ts';
import { startRun } from './start.ts';
import { runPlaywright, suiteSteps } from './suites.ts';

export interface RunOutcome {
  record: RunRecord;
  exitCode: number;
  reportDir: string;
  notes: string[];
}

export const reportDirOf = (runId: string) => join(REPO_ROOT, 'reports', runId);

export async function runGate(o: RunOptions): Promise<RunOutcome> {
  const t0 = Date.now();
  const config = loadRunConfig(o);
  const { processEnv, environment, runId } = config;
  const s = openSession({ ...config, print: o.print }, 'stopping the suites, then cleaning up and recording the run as INCONCLUSIVE.');
  const reportDir = reportDirOf(runId);
  mkdirSync(reportDir, { recursive: true });
  s.print(`tollgate run ${runId} · ${environment.name} · build ${config.build ?? '(as deployed)'} · suites ${config.suites.join(',')}`);

  let plan: RunPlan | undefined;
  let results: DecideInput['results'] = [];
  let untestable: Untestable | undefined;
  let history!: Promise<History>;
  try {
    ({ plan } = await startRun(s, config, { seed: o.seed, owner: 'process', started: new Date(t0) }));
    // History is read while the suites run: opening the store costs nothing on the way to the verdict.
    history = readHistorySoon(environment, plan.build, s.notes, processEnv);
    const t = Date.now();
    const why = untestedBecause(plan, s.interrupted);
    if (why) {
      s.step('verify', 'skipped', 0, why);
      s.step('suites', 'skipped', 0, why);
    } else {
      const eventsFile = join(reportDir, 'events.ndjson');
      rmSync(eventsFile, { force: true });
      const watch = watchEarly({ s, config, plan, history, eventsFile, reportDir, t0, failFast: !!o.failFast });
      try {
        const pw = await runPlaywright({
          s,
          plan,
          processEnv,
          reportDir,
          workers: o.workers,
          playwrightOutput: o.playwrightOutput,
          eventsFile,
        });
        results = pw.results;
        const early = await watch.stop();
        if (!results.length && !s.interrupted) untestable = { step: 'suites', message: noTestsBecause(pw, relative(REPO_ROOT, pw.log)) };
        const stopNote = failFastNote(early, results);
        if (stopNote) s.notes.push(stopNote);
        suiteSteps(s, results, plan.projects, Date.now() - t, pw.exitCode, stopNote && 'stopped by --fail-fast once BLOCK was certain');
      } catch (e) {
        await watch.stop();
        untestable = unexpected('suites', e);
        s.step('suites', 'failed', Date.now() - t, untestable.message);
      }
    }
  } finally {
    // plan is unset only when readiness or seeding threw a bug: nothing is known to be seeded then.
    if (plan) await cleanupStep(s, environment, plan, !!(o.keepData || processEnv.TOLLGATE_KEEP_DATA === '1'));
  }
  return finishRun(s, config, { plan, results, untestable, interrupted: s.interrupted, history, reportDir, t0 });
}

/**
 * triage → gate → record → publish, once per run: after the suites of a single run, or after
 * `tollgate merge` has put the shards' results together.
 */
export async function finishRun(
  s: Session,
  config: GateConfig,
  a: Omit<DecideInput, 'history'> & {
    history: Promise<History>;
    extra?: () => Promise<string | undefined>;
  },
): Promise<RunOutcome> {
  try {
    const history = await a.history;
    // decide, record and publish each catch what they did not plan for: the verdict always comes.
    const record = decideStep(s, config, { ...a, history });
    // Recording and publishing need only the record: they run side by side (each catches its own failures).
    const recorded = recordStep(s, record, config.environment, config.processEnv);
    await publishStep(s, config, { record, history, reportDir: a.reportDir, extra: a.extra, after: recorded });
    await recorded;
    return { record, exitCode: EXIT_CODE[record.verdict], reportDir: a.reportDir, notes: s.notes };
  } finally {
    s.close();
  }
}
