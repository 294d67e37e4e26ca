/**
 * Step 3, seed: sweep what crashed runs left behind, then write this run's data (the profile its
 * suites need) in one transaction. A TollgateError (schema, credentials, read-only) makes the run
 * untestable; nothing is half-written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TollgateError } from '../config/errors.ts';
import { runStartedAt } from '../config/ids.ts';
import { manifestPasswords } from '../gate/redact.ts';
import { isAlive } from '../lib/process.ts';
import { cleanRun, runsInDatabase } from '../seed/clean.ts';
import { connect } from '../seed/db.ts';
import { runsDir, type Manifest } from '../seed/manifest.ts';
import { seed } from '../seed/seed.ts';
import type { RunConfig } from './config.ts';
import { injectedFailure, unexpected } from './guard.ts';
import { constraintViolation, probeProductWrite } from './probe.ts';
import { crashedRuns, seedProfile, type OwnerMarker, type Untestable } from './rules.ts';
import type { Session } from './session.ts';

export interface SeedOutcome {
  manifest?: Manifest;
  untestable?: Untestable;
}

/**
 * `owner` marks who cleans the seeded data up: this process (a crash of it leaves data the next
 * run on this machine sweeps), or a merge to come (the preparing process exits; only age sweeps
 * what a lost pipeline left). `skip` says why nothing is seeded, when nothing is.
 */
export async function seedStep(
  s: Session,
  config: Pick<RunConfig, 'environment' | 'suites' | 'runId' | 'processEnv' | 'target'>,
  o: { seed?: number; owner: 'process' | 'pipeline'; skip?: string },
): Promise<SeedOutcome> {
  const { environment, suites, runId } = config;
  const t = Date.now();
  if (o.skip) {
    s.step('seed', 'skipped', 0, o.skip);
    return {};
  }
  if (environment.readOnly) {
    s.step('seed', 'skipped', 0, 'READ_ONLY: nothing is written; read-only checks use the canary records');
    return {};
  }
  try {
    injectedFailure('seed', config.processEnv);
    const swept = await sweepLeftovers(config, o.owner);
    const result = await seed({ environment, profile: seedProfile(suites), seed: o.seed, runId });
    const manifest = result.manifest;
    s.learn(manifestPasswords(manifest));
    s.step(
      'seed',
      'ok',
      Date.now() - t,
      `${manifest.profile} profile, ${result.rows.toLocaleString('en')} rows, seed ${manifest.seed} (replay with --seed ${manifest.seed})${swept.length ? `; swept ${swept.length} crashed run(s)` : ''}`,
    );
    return { manifest };
  } catch (e) {
    // One transaction: whatever failed, nothing of this run was written.
    if (!(e instanceof TollgateError)) {
      const untestable = unexpected('seed', e);
      const violation = constraintViolation(e);
      if (violation) {
        // A constraint of the deployed schema: whose fault it is, the product's own API tells.
        const probe = await probeProductWrite(violation, {
          apiURL: config.target.apiURL,
          admin: config.target.stackAdmin ?? adminFromEnv(config.processEnv),
          readOnly: environment.readOnly,
          runId,
        });
        untestable.message += `; ${probe.evidence}`;
        if (probe.fault === 'deployment') untestable.deploymentFault = probe.evidence;
      }
      s.step('seed', 'failed', Date.now() - t, `${untestable.message} (nothing was written: the seed is one transaction)`);
      return { untestable };
    }
    s.step('seed', 'failed', Date.now() - t, `${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    return { untestable: { step: 'seed', message: e.message } };
  }
}

/** Marks this run as ours, then deletes the data of runs that crashed (rules.ts: crashedRuns). */
async function sweepLeftovers(
  config: Pick<RunConfig, 'environment' | 'runId' | 'processEnv'>,
  owner: 'process' | 'pipeline',
): Promise<string[]> {
  const dir = runsDir(config.processEnv);
  mkdirSync(join(dir, config.runId), { recursive: true, mode: 0o700 });
  const marker: OwnerMarker =
    owner === 'process'
      ? { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }
      : { pipeline: true, host: hostname(), startedAt: new Date().toISOString() };
  writeFileSync(join(dir, config.runId, 'owner.json'), JSON.stringify(marker));
  const client = await connect({ env: config.environment, applicationName: `tollgate-sweep ${config.runId}` });
  try {
    const inDb = await runsInDatabase(client);
    const crashed = crashedRuns(
      inDb.map((runId) => ({ runId, startedAt: runStartedAt(runId)! })),
      {
        self: config.runId,
        now: Date.now(),
        host: hostname(),
        alive: isAlive,
        ownerOf: (runId) => readOwner(join(dir, runId, 'owner.json')),
      },
    );
    for (const r of crashed) await cleanRun(client, r);
    return crashed;
  } finally {
    await client.end();
  }
}

function readOwner(file: string): OwnerMarker | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as OwnerMarker;
  } catch {
    return undefined;
  }
}

/** An admin account on a remote target, when the operator gave one (ADMIN_EMAIL, ADMIN_PASSWORD). */
function adminFromEnv(env: NodeJS.ProcessEnv): { email: string; password: string } | undefined {
  const email = env.ADMIN_EMAIL?.trim();
  return email && env.ADMIN_PASSWORD ? { email, password: env.ADMIN_PASSWORD } : undefined;
}
