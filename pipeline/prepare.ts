/**
 * `tollgate prepare`: the start of a sharded run — config → ready → seed, once for all shards —
 * and the plan that says what they run (reports/<run>/plan.json). Interrupted after seeding, it
 * cleans up at once: no merge will come for a run that never started.
 */
import { relative } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { plural, seconds } from '../lib/text.ts';
import { cleanupStep } from './cleanup.ts';
import { loadRunConfig, type RunConfig, type RunOptions } from './config.ts';
import { manifestKeyMaterial, planFile, sealManifest, writePlan, type RunPlan } from './plan.ts';
import { balanceRatio, balanceShards } from './balance.ts';
import { readDurations } from './history.ts';
import { untestedBecause } from './rules.ts';
import { listPlannedTests } from './suites.ts';
import { reportDirOf } from './run.ts';
import { openSession, type Session } from './session.ts';
import { startRun } from './start.ts';

export interface PrepareOutcome {
  plan: RunPlan;
  file: string;
}

export async function prepareRun(o: Omit<RunOptions, 'playwrightOutput'> & { shards?: number }): Promise<PrepareOutcome> {
  const started = new Date();
  const config = loadRunConfig(o);
  const { processEnv, environment, runId } = config;
  const s = openSession({ ...config, print: o.print }, 'stopping, then cleaning up what was seeded.');
  try {
    s.print(
      `tollgate prepare ${runId} · ${environment.name} · build ${config.build ?? '(as deployed)'} · suites ${config.suites.join(',')}`,
    );
    const { plan, manifest } = await startRun(s, config, { seed: o.seed, owner: 'pipeline', started });
    if (s.interrupted && plan.seeded) {
      await cleanupStep(s, environment, plan, false);
      Object.assign(plan, { seeded: false, projects: [], interrupted: s.interrupted, steps: [...s.steps] });
    }
    if (manifest && plan.seeded) {
      const key = manifestKeyMaterial(environment, processEnv);
      if (key) plan.sealedManifest = sealManifest(manifest, key);
      else {
        const note = `The plan carries no manifest: neither TOLLGATE_MANIFEST_KEY nor a password in ${environment.databaseUrlVar} to seal it with. Shards must run on this machine.`;
        s.print(`  note: ${note}`);
        plan.notes.push(note);
      }
    }
    const why = untestedBecause(plan);
    // Balanced for the workers each shard will run (Playwright's default here: 2).
    if (o.shards && o.shards > 1 && !why) await planShards(s, plan, config, o.shards, o.workers ?? 2);
    const file = writePlan(plan, planFile(reportDirOf(runId)));
    s.print(
      `  plan ${relative(REPO_ROOT, file)}: ${why ? `nothing to test (${why}); \`tollgate merge\` records it as INCONCLUSIVE` : `projects ${plan.projects.join(', ')}`}`,
    );
    return { plan, file };
  } finally {
    s.close();
  }
}

/**
 * Each shard's test list, balanced by the durations the results store measured. Without history
 * (or with the store down) the plan carries no lists and Playwright splits by count, as before.
 */
async function planShards(s: Session, plan: RunPlan, config: RunConfig, total: number, workers: number): Promise<void> {
  const t = Date.now();
  const [listed, history] = await Promise.all([
    listPlannedTests(plan, config.processEnv, reportDirOf(plan.runId)).then(
      (tests) => ({ tests, error: undefined }),
      (e: Error) => ({ tests: [], error: e.message.split('\n')[0] }),
    ),
    readDurations(config.environment, config.processEnv),
  ]);
  const tests = listed.tests;
  const lists = balanceShards(tests, history.durations, total, workers);
  if (!lists) {
    const why = listed.error
      ? `the planned tests could not be listed (${listed.error})`
      : history.error
        ? `the results store is unavailable (${history.error})`
        : tests.length < total
          ? `${plural(tests.length, 'planned test')} for ${total} shards`
          : `no run of ${config.environment.name} has durations yet`;
    const note = `Shards split by count (Playwright --shard): ${why}.`;
    s.print(`  note: ${note}`);
    plan.notes.push(note);
    return;
  }
  plan.shardLists = { ...lists, historyRuns: history.runs };
  s.print(
    `  shards: ${total} × ${plural(workers, 'worker')} balanced by measured time (${lists.known} of ${tests.length} tests known from ${plural(history.runs, 'run')}; planned ${lists.plannedMs.map((ms) => seconds(ms)).join(', ')}; max/mean ${balanceRatio(lists.plannedMs).toFixed(2)}) in ${seconds(Date.now() - t)}`,
  );
}
