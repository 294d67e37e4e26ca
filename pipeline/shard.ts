/**
 * `tollgate run --plan … --shard i/N`: one shard of a prepared run — its part of the suites,
 * scrubbed, into reports/<run>/shards/<i>-of-<n>/ with a copy of the plan. It neither seeds, nor
 * cleans, nor decides: exit 0 once the part is written (failed tests included: the verdict is
 * the merge's), 75 when interrupted.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Environment } from '../config/environment.ts';
import { UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { manifestPasswords } from '../gate/redact.ts';
import { countResults } from '../gate/results.ts';
import { scrubTree } from '../gate/scrub.ts';
import type { TestResult } from '../gate/types.ts';
import { manifestPath, readManifest, writeManifest, type Manifest } from '../seed/manifest.ts';
import { loadGateConfig } from './config.ts';
import { shardDir, writePart, type Shard, type ShardPart } from './parts.ts';
import { manifestKeyMaterial, planFile, readPlan, unsealManifest, writePlan, type RunPlan } from './plan.ts';
import { untestedBecause } from './rules.ts';
import { reportDirOf } from './run.ts';
import { openSession } from './session.ts';
import { runPlaywright } from './suites.ts';

const rel = (p: string) => relative(REPO_ROOT, p);

export interface ShardOutcome {
  part: ShardPart;
  dir: string;
  exitCode: number;
}

export async function runShard(o: {
  plan: string;
  shard: Shard;
  workers?: number;
  processEnv?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
  playwrightOutput?: 'inherit' | 'quiet';
}): Promise<ShardOutcome> {
  const t0 = Date.now();
  const processEnv = o.processEnv ?? process.env;
  const plan = readPlan(o.plan);
  const { environment, target } = loadGateConfig(plan.environment, processEnv);
  const s = openSession(
    { processEnv, environment, target, print: o.print },
    'stopping the suites; the part is written and the merge records the run as INCONCLUSIVE.',
  );
  const name = `${o.shard.current}/${o.shard.total}`;
  const dir = shardDir(reportDirOf(plan.runId), o.shard);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writePlan(plan, planFile(dir));
  s.print(`tollgate run ${plan.runId} · shard ${name} · ${environment.name} · build ${plan.build}`);
  let opened: string | undefined;
  try {
    const why = untestedBecause(plan);
    let exitCode = 0;
    if (why) s.print(`  nothing to run: ${why}`);
    else {
      if (plan.seeded) {
        const manifest = shardManifest(plan, environment, processEnv);
        s.learn(manifestPasswords(manifest.manifest));
        opened = manifest.opened;
      }
      const pw = await runPlaywright({
        s,
        plan,
        processEnv,
        reportDir: dir,
        workers: o.workers,
        shard: o.shard,
        blobDir: join(dir, 'blob-report'),
        playwrightOutput: o.playwrightOutput,
      });
      exitCode = pw.exitCode;
      // What this machine uploads is scrubbed here; the merge scrubs again with what it knows.
      const scrubbed = await scrubTree(dir, s.redactor, { keepTraces: environment.keepTraces });
      if (scrubbed.removed.length) {
        // The results name attachments the scrub deleted (traces not kept): they go from the list too.
        const removed = new Set(scrubbed.removed.map(rel));
        const file = join(dir, 'results.json');
        const body = JSON.parse(readFileSync(file, 'utf8')) as { results: TestResult[] };
        for (const r of body.results) r.attachments = r.attachments.filter((a) => !a.path || !removed.has(a.path));
        writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
      }
      const c = countResults(pw.results.filter((r) => r.suite !== 'setup'));
      s.step(
        'suites',
        c.failed || exitCode > 1 ? 'failed' : 'ok',
        Date.now() - t0,
        `shard ${name}: ${c.passed} passed, ${c.failed} failed, ${c.flaky} flaky, ${c.skipped} skipped (Playwright exit ${exitCode})`,
      );
    }
    const part: ShardPart = {
      version: 1,
      runId: plan.runId,
      shard: o.shard,
      startedAt: new Date(t0).toISOString(),
      durationMs: Date.now() - t0,
      exitCode,
      ...(s.interrupted ? { interrupted: s.interrupted } : {}),
      host: hostname(),
      dir: rel(dir),
    };
    writePart(part, dir);
    s.print(
      `  part ${name} of ${plan.runId} written to ${rel(dir)}; the verdict comes from \`npx tollgate merge ${rel(join(reportDirOf(plan.runId), 'shards'))}\``,
    );
    return { part, dir, exitCode: s.interrupted ? 75 : 0 };
  } finally {
    // A manifest opened from the plan was only for this shard's tests: it does not stay behind.
    if (opened) rmSync(dirname(opened), { recursive: true, force: true });
    s.close();
  }
}

/** The run's manifest on this machine: the one `prepare` wrote, or opened from the plan. */
function shardManifest(plan: RunPlan, environment: Environment, env: NodeJS.ProcessEnv): { manifest: Manifest; opened?: string } {
  if (existsSync(manifestPath(plan.runId, env))) return { manifest: readManifest(plan.runId, env) };
  if (!plan.sealedManifest) {
    throw new UsageError(`Run ${plan.runId}'s manifest is not on this machine and its plan carries none.`, {
      hint: `Run the shard where \`tollgate prepare\` ran, or prepare with TOLLGATE_MANIFEST_KEY (or a database URL with a password in ${environment.databaseUrlVar}) set, so the plan carries it sealed.`,
    });
  }
  const key = manifestKeyMaterial(environment, env);
  if (!key) {
    throw new UsageError(`Run ${plan.runId}'s manifest is sealed in its plan, but this job has no key to open it.`, {
      hint: `Give this job the TOLLGATE_MANIFEST_KEY (or the ${environment.databaseUrlVar}) the preparing job had.`,
    });
  }
  const manifest = unsealManifest(plan.sealedManifest, plan.runId, key);
  return { manifest, opened: writeManifest(manifest, env) };
}
