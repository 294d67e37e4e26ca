/**
 * `tollgate merge <dirs…>`: the end of a sharded run. The shards' parts → one run: results merged
 * (Tollgate's merge) and Playwright's report merged, then cleanup, triage, gate, record and
 * publish, once. A shard that never reported, ran nothing or was interrupted makes the run
 * INCONCLUSIVE (rules.ts: mergedUntestable).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { manifestPasswords } from '../gate/redact.ts';
import { manifestPath, readManifest } from '../seed/manifest.ts';
import { cleanupStep } from './cleanup.ts';
import { loadGateConfig } from './config.ts';
import { readHistorySoon } from './history.ts';
import { gather, mergeAllureResults, mergePlaywrightReports } from './merge-reports.ts';
import { checkParts, findParts, mergeResults, shardDir } from './parts.ts';
import { manifestKeyMaterial, planFile, readPlan, unsealManifest, type RunPlan } from './plan.ts';
import { mergedUntestable, untestedBecause, type Untestable } from './rules.ts';
import { finishRun, reportDirOf, type RunOutcome } from './run.ts';
import { openSession } from './session.ts';
import { suiteSteps } from './suites.ts';

export async function mergeRun(o: {
  dirs: string[];
  plan?: string;
  keepData?: boolean;
  processEnv?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
}): Promise<RunOutcome> {
  const t0 = Date.now();
  const processEnv = o.processEnv ?? process.env;
  // With the plan given, a folder that is not there is a pipeline whose shards uploaded nothing.
  const absent = o.plan ? o.dirs.filter((d) => !existsSync(d)) : [];
  const found = findParts(o.dirs.filter((d) => !absent.includes(d)));
  if (!o.plan && !found.length) {
    throw new UsageError(`No shard's part (part.json) under ${o.dirs.join(', ')}.`, {
      hint: 'Pass the directories `tollgate run --shard` wrote (reports/<run>/shards), or give --plan so a run whose shards all failed is still cleaned up and recorded.',
    });
  }
  const plan = readPlan(o.plan ?? planFile(found[0]!.dir));
  const { total, missing } = checkParts(found, plan.runId);
  const config = loadGateConfig(plan.environment, processEnv);
  const { environment } = config;
  const s = openSession({ ...config, print: o.print }, 'finishing the cleanup, then recording the run as INCONCLUSIVE.');
  s.notes.push(...plan.notes);
  if (absent.length) s.notes.push(`No part in ${absent.join(', ')}: not there (no shard uploaded one).`);
  const reportDir = reportDirOf(plan.runId);
  mkdirSync(reportDir, { recursive: true });
  s.print(`tollgate merge ${plan.runId} · ${environment.name} · build ${plan.build} · ${found.length} of ${total || '?'} shard(s)`);
  s.replay(plan.steps);
  if (plan.seeded) {
    const key = manifestKeyMaterial(environment, processEnv);
    const manifest = existsSync(manifestPath(plan.runId, processEnv))
      ? readManifest(plan.runId, processEnv)
      : plan.sealedManifest && key
        ? unsealManifest(plan.sealedManifest, plan.runId, key)
        : undefined;
    if (manifest) s.learn(manifestPasswords(manifest));
  }

  const history = readHistorySoon(environment, plan.build, s.notes, processEnv);
  let untestable: Untestable | undefined;
  let interrupted: string | undefined;
  let results: ReturnType<typeof mergeResults>['results'];
  try {
    const parts = found.map((p) => ({ ...p, dir: gather(p.dir, shardDir(reportDir, p.part.shard)) }));
    const merged = mergeResults(parts);
    results = merged.results;
    const why = untestedBecause(plan);
    if (why) {
      s.step('verify', 'skipped', 0, why);
      s.step('suites', 'skipped', 0, why);
    } else {
      interrupted = parts.find((p) => p.part.interrupted)?.part.interrupted;
      untestable = mergedUntestable({
        parts: parts.map((p) => ({
          shard: p.part.shard,
          results: p.results.length,
          exitCode: p.part.exitCode,
          interrupted: p.part.interrupted,
        })),
        total,
        missing,
        duplicates: merged.duplicates,
        unrun: unrunPlanned(plan, total, results),
      });
      const worst = Math.max(0, ...parts.map((p) => p.part.exitCode));
      suiteSteps(s, results, plan.projects, Math.max(0, ...parts.map((p) => p.part.durationMs)), worst, untestable?.message);
      if (parts.length)
        mergeAllureResults(
          parts.map((p) => p.dir),
          join(reportDir, 'allure-results'),
        );
    }
  } finally {
    await cleanupStep(s, environment, plan, !!(o.keepData || processEnv.TOLLGATE_KEEP_DATA === '1'));
  }
  return finishRun(s, config, {
    plan,
    results,
    untestable,
    interrupted: interrupted ?? s.interrupted,
    history,
    reportDir,
    t0: Date.parse(plan.startedAt) || t0,
    shards: total || undefined,
    extra: found.length ? () => mergePlaywrightReports(reportDir) : undefined,
  });
}

/** With balanced lists, every listed test must come back from some shard: a test the lists name but none ran was silently dropped. */
function unrunPlanned(plan: RunPlan, total: number, results: { id: string }[]): string[] {
  if (plan.shardLists?.total !== total) return [];
  const ran = new Set(results.map((r) => r.id));
  return plan.shardLists.tests.flat().filter((id) => !ran.has(id));
}
