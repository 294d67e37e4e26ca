/**
 * A prepared run (`tollgate prepare`): what the shards of one run share, written once after
 * readiness and seeding as `reports/<run>/plan.json`. Shards on other machines get this file
 * (a CI artifact) and nothing else: it holds no secret. The run's manifest, which holds the
 * seeded users' passwords, travels inside it sealed with AES-256-GCM under a key derived from
 * a secret every job of the pipeline already has (TOLLGATE_MANIFEST_KEY, else the
 * environment's database URL with its password), so the artifact alone reveals nothing.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { z } from 'zod';
import { SUITE_CHOICES, type SuiteChoice } from '../config/policy.ts';
import { type Environment } from '../config/environment.ts';
import { ConfigError, SchemaError, UsageError } from '../config/errors.ts';
import type { Manifest } from '../seed/manifest.ts';
import { RUN_ID } from '../config/ids.ts';
import { REPO_ROOT } from '../config/paths.ts';
import type { StepRecord } from '../gate/types.ts';
import { parseWith, readJson } from '../lib/json-file.ts';

export const PLAN_VERSION = 1;

const stepSchema = z.object({
  name: z.enum(['config', 'ready', 'verify', 'seed', 'suites', 'cleanup', 'triage', 'gate', 'record', 'publish']),
  status: z.enum(['ok', 'failed', 'skipped']),
  durationMs: z.number().nonnegative(),
  detail: z.string(),
});

const planSchema = z
  .object({
    version: z.literal(PLAN_VERSION),
    runId: z.string().regex(RUN_ID),
    environment: z.string().min(1),
    /** The build the run gates: --build, else what the deployment reported after readiness. */
    build: z.string().min(1),
    /** What verify must find deployed (--build or EXPECTED_BUILD); absent: as deployed. */
    expectedBuild: z.string().min(1).optional(),
    suites: z.array(z.enum(SUITE_CHOICES)).min(1),
    seed: z.number().int().optional(),
    seeded: z.boolean(),
    /** Playwright projects the shards run; empty when the run cannot be tested. */
    projects: z.array(z.string().min(1)),
    /** Regression spec files a differential run skips (Playwright --test-list-invert). */
    skippedSpecs: z.array(z.string().min(1)),
    /** A focused run's title filter (Playwright --grep); absent: every test of the projects. */
    grep: z.string().min(1).optional(),
    /**
     * Shards balanced by measured time (pipeline/balance.ts): each shard's explicit test list
     * (Playwright --test-list). Absent: no history to balance on, Playwright splits by count.
     */
    shardLists: z
      .object({
        total: z.number().int().min(1),
        workers: z.number().int().min(1),
        tests: z.array(z.array(z.string().min(1))),
        plannedMs: z.array(z.number().nonnegative()),
        known: z.number().int().nonnegative(),
        definedIn: z.record(z.string(), z.string()),
        historyRuns: z.number().int().nonnegative(),
      })
      .optional(),
    startedAt: z.string().datetime(),
    /** The steps done while preparing: config, ready, seed. */
    steps: z.array(stepSchema),
    notes: z.array(z.string()),
    notReady: z.string().optional(),
    untestable: z.object({ step: z.string(), message: z.string() }).optional(),
    interrupted: z.string().optional(),
    /** The seed manifest, sealed (base64 of iv ‖ tag ‖ ciphertext); absent when nothing was seeded. */
    sealedManifest: z.string().optional(),
  })
  .strict();

export type RunPlan = z.infer<typeof planSchema> & { suites: SuiteChoice[]; steps: StepRecord[] };

export const planFile = (reportDir: string) => `${reportDir}/plan.json`;

/** Written atomically: a shard never reads half a plan. */
export function writePlan(plan: RunPlan, file: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(planSchema.parse(plan), null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

export function readPlan(file: string): RunPlan {
  const shown = relative(REPO_ROOT, file).startsWith('..') ? file : relative(REPO_ROOT, file);
  if (!existsSync(file)) {
    throw new UsageError(`No run plan at ${shown}.`, {
      hint: 'Prepare the run first (`npx tollgate prepare --env <name>` writes reports/<run>/plan.json), or pass the plan file a CI artifact brought with --plan.',
    });
  }
  const raw = readJson(
    file,
    (why) =>
      new SchemaError(`${shown} is not JSON (${why}).`, {
        hint: 'Use the plan.json `tollgate prepare` wrote; it may have been cut off in transfer.',
      }),
  );
  return parseWith(
    planSchema,
    raw,
    (problems) =>
      new SchemaError(`${shown} is not a Tollgate run plan (${problems}).`, {
        hint: 'Use the plan.json written by `tollgate prepare` of the same Tollgate version.',
      }),
  ) as RunPlan;
}

/** The secret the manifest is sealed under: TOLLGATE_MANIFEST_KEY, else the database URL if it carries a password. */
export function manifestKeyMaterial(environment: Environment, env: NodeJS.ProcessEnv): string | undefined {
  if (env.TOLLGATE_MANIFEST_KEY) return env.TOLLGATE_MANIFEST_KEY;
  const url = environment.databaseUrl;
  if (!url) return undefined;
  try {
    return new URL(url).password ? url : undefined;
  } catch {
    return undefined;
  }
}

function keyFor(material: string, runId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, runId, 'tollgate run manifest v1', 32));
}

export function sealManifest(manifest: Manifest, material: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(material, manifest.runId), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(manifest), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function unsealManifest(sealed: string, runId: string, material: string): Manifest {
  const bytes = Buffer.from(sealed, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(material, runId), bytes.subarray(0, 12), { authTagLength: 16 });
    decipher.setAuthTag(bytes.subarray(12, 28));
    const json = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(json) as Manifest;
  } catch {
    throw new ConfigError(`The manifest in run ${runId}'s plan cannot be opened with this job's key.`, {
      hint: 'Every job of the run needs the same TOLLGATE_MANIFEST_KEY (or, without it, the same database URL as the job that prepared the run).',
    });
  }
}
