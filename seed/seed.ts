/**
 * `tollgate seed`: one run's data into one environment, in one transaction, with a manifest.
 * A READ_ONLY environment is refused before any connection is made.
 */
import { randomInt } from 'node:crypto';
import { ReadOnlyError } from '../config/errors.ts';
import type { Environment } from '../config/environment.ts';
import { classify, connect } from './db.ts';
import { loadRun, reserveRunIds } from './load.ts';
import { buildManifest, fillFromDatabase, writeManifest, type Manifest } from './manifest.ts';
import { makePlan } from './plan.ts';
import { rotationFor, userRoles } from './generate.ts';
import { checkRunId, newRunId } from '../config/ids.ts';

export interface SeedOptions {
  environment: Environment;
  profile: string;
  scale?: number;
  seed?: number;
  runId?: string;
  /** Told the run id and seed before anything is written, so a failed run can be replayed. */
  onStart?: (info: { runId: string; seed: number; rows: number }) => void;
  onProgress?: (done: number, total: number) => void;
  env?: NodeJS.ProcessEnv;
}

export interface SeedResult {
  manifest: Manifest;
  manifestFile: string;
  seconds: number;
  rows: number;
}

export function assertWritable(environment: Environment): void {
  if (environment.readOnly) {
    throw new ReadOnlyError(`Environment "${environment.name}" is READ_ONLY: Tollgate never writes to it. Nothing was written.`, {
      hint: 'Seed a writable environment (local, dev, staging), or run only read-only checks here.',
    });
  }
}

export const randomSeed = () => randomInt(1, 2 ** 31 - 1);

export async function seed(o: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now();
  assertWritable(o.environment);
  const seedValue = o.seed ?? randomSeed();
  const runId = o.runId ? checkRunId(o.runId) : newRunId();
  // Validate the profile and scale before connecting: bad input never reaches the database.
  const plan = makePlan(o.profile, o.scale, rotationFor(seedValue, o.profile));
  o.onStart?.({ runId, seed: seedValue, rows: plan.total });
  const createdAt = new Date();
  const client = await connect({ env: o.environment, applicationName: `tollgate-seed ${runId}` });
  try {
    // Ids first, in a transaction of their own (they are never given back: sequences do not roll back).
    const ids = await reserveRunIds(client, { users: userRoles(plan).length, assets: plan.assets, tags: plan.tags });
    await client.query('BEGIN');
    const loaded = await loadRun(client, {
      profile: o.profile,
      scale: o.scale,
      seed: seedValue,
      runId,
      anchor: new Date(Math.floor(createdAt.getTime() / 1000) * 1000),
      onProgress: o.onProgress,
      ids,
    });
    const manifest = buildManifest(loaded, { environment: o.environment.name, scale: o.scale, createdAt });
    await fillFromDatabase(client, manifest);
    await client.query('COMMIT');
    const manifestFile = writeManifest(manifest, o.env);
    return { manifest, manifestFile, seconds: (performance.now() - t0) / 1000, rows: loaded.plan.total };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw classify(e, o.environment);
  } finally {
    await client.end().catch(() => {});
  }
}
