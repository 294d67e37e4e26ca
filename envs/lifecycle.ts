/**
 * On-demand environments on this host (`tollgate env up | list | extend | down | reap`): the
 * reference app at a git ref, on its own ports, PostgreSQL cluster and secrets, migrated and
 * seeded with random data, registered in the results store. Each one is a local stack
 * (stack/up.ts) in `<envs root>/<name>/stack`, so `tollgate run --env <name>` gates it exactly
 * like `local`. Nothing is left half-created: a failed `up` removes what it made.
 */
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment, knownEnvironments } from '../config/environment.ts';
import { ConfigError, InterruptedError, PortInUseError, StackError, UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { resultsDir } from '../gate/store/sql.ts';
import type { StoreOptions } from '../gate/store.ts';
import { isAlive } from '../lib/process.ts';
import { checkEnvironmentName, checkOwner } from '../stack/env-names.ts';
import { portIsFree } from '../stack/processes.ts';
import { exportApp, resolveRef, webBundle } from '../stack/source.ts';
import { down } from '../stack/stack.ts';
import { envsRoot, onDemandDir, onDemandStack, onDemandStackDir, readState } from '../stack/state.ts';
import { up } from '../stack/up.ts';
import { treeMemoryMiB } from './memory.ts';
import { THIS_HOST, withRegistry, type EnvRecord, type Limits } from './registry.ts';

/**
 * Memory of one environment, measured: the RSS of its 11 processes (PostgreSQL, gunicorn with 2
 * workers, nginx), 194 MiB idle after seeding the regression profile, rounded up (its PSS is
 * 82-97 MiB; README: On-demand environments). The default limit keeps all of them within half
 * the host's memory.
 */
export const ENV_MEMORY_MIB = 200;
/** Longest lifetime an environment may be given or extended to, from now. */
export const MAX_TTL_MS = 30 * 86_400_000;
/** Owners are warned this long before their environment expires. */
export const WARN_BEFORE_MS = 3_600_000;
const DEFAULT_PORTS = '24000-24299';

export interface Settings {
  root: string;
  repo: string;
  store: StoreOptions;
  limits: Omit<Limits, 'portsFree'>;
}

/** Where environments live, the store holding their registry, and the host's limits; bad values exit 78. */
export function envSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  const range = (env.TOLLGATE_ENV_PORTS || DEFAULT_PORTS).trim();
  const m = /^(\d+)-(\d+)$/.exec(range);
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || from < 1024 || to > 65535 || to - from < 2)
    problems.push(`TOLLGATE_ENV_PORTS must be a port range such as ${DEFAULT_PORTS} (1024-65535, at least 3 ports), got "${range}"`);
  const portBases: number[] = [];
  for (let base = from; base + 2 <= to; base += 3) portBases.push(base);
  const memoryMax = Math.max(1, Math.floor(totalmem() / 2 / (ENV_MEMORY_MIB * 1024 * 1024)));
  let max = Math.min(memoryMax, portBases.length || 1);
  if (env.TOLLGATE_ENV_MAX) {
    if (!/^[1-9]\d*$/.test(env.TOLLGATE_ENV_MAX))
      problems.push(`TOLLGATE_ENV_MAX must be a positive whole number, got "${env.TOLLGATE_ENV_MAX}"`);
    else max = Number(env.TOLLGATE_ENV_MAX);
  }
  if (problems.length)
    throw new ConfigError(`On-demand environments are misconfigured:\n  - ${problems.join('\n  - ')}`, {
      hint: 'Fix or unset these variables (.env.example documents them).',
    });
  return {
    root: envsRoot(env),
    repo: env.TOLLGATE_ENV_REPO || REPO_ROOT,
    store: env.RESULTS_DATABASE_URL ? { url: env.RESULTS_DATABASE_URL } : { dataDir: resultsDir(env) },
    limits: { max, portBases },
  };
}

/** The process environment an environment's stack is started with: its own directory and secrets. */
function stackEnv(name: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { ADMIN_EMAIL: _e, ADMIN_PASSWORD: _p, BUILD_ID: _b, ...rest } = env;
  return { ...rest, TOLLGATE_STACK_DIR: onDemandStackDir(name, env) };
}

export interface UpRequest {
  name: string;
  ref: string;
  profile: string;
  seed?: number;
  ttlMs: number;
  owner: string;
}

export interface UpReport {
  record: EnvRecord;
  urls: { web: string; api: string };
  /** Shown once to the requester, never logged. */
  admin: { email: string; password: string };
  rows: number;
  bundleBuilt: boolean;
  ms: number;
}

export interface Context {
  env?: NodeJS.ProcessEnv;
  /** Called once per finished step, for progress output. */
  onStep?: (step: string, ms: number, detail?: string) => void;
  /** Aborted (Ctrl-C): `env up` stops after the step it is in and removes what it made. */
  signal?: AbortSignal;
}

/** Reject a name that is invalid or that a configured environment (local, dev, …) already has. */
export function checkNewName(name: string): string {
  checkEnvironmentName(name);
  if (knownEnvironments().includes(name))
    throw new UsageError(`"${name}" is a configured environment (config/environments/${name}.env).`, {
      hint: 'Give the on-demand environment another name, e.g. qa-<feature>.',
    });
  return name;
}

export async function envUp(req: UpRequest, ctx: Context = {}): Promise<UpReport> {
  const t0 = performance.now();
  const env = ctx.env ?? process.env;
  checkNewName(req.name);
  checkOwner(req.owner);
  if (req.ttlMs <= 0 || req.ttlMs > MAX_TTL_MS)
    throw new UsageError('--ttl must be more than 0 and at most 30 days.', { hint: 'e.g. 45m, 8h, 2d.' });
  const settings = envSettings(env);
  // Steps are not cut in half (a cluster half-initialised is harder to remove): an interrupt
  // takes effect between them.
  const checkpoint = (next: string) => {
    if (ctx.signal?.aborted) throw new InterruptedError(`env up ${req.name} was interrupted before ${next}.`);
  };
  const step = async <T>(name: string, fn: () => Promise<T> | T, detail?: (r: T) => string | undefined): Promise<T> => {
    checkpoint(name);
    const s = performance.now();
    const r = await fn();
    ctx.onStep?.(name, performance.now() - s, detail?.(r));
    return r;
  };
  const commit = resolveRef(req.ref, settings.repo);
  const seed = req.seed ?? randomInt(1, 2 ** 31 - 1);
  const dir = onDemandDir(req.name, env);
  const record = await step(
    'reserve',
    () =>
      withRegistry(settings.store, (r) =>
        r.reserve(
          {
            name: req.name,
            ref: req.ref,
            build: commit.build,
            owner: req.owner,
            profile: req.profile,
            seed,
            dir,
            expiresAt: new Date(Date.now() + req.ttlMs),
          },
          { ...settings.limits, portsFree: async (base) => (await Promise.all([0, 1, 2].map((i) => portIsFree(base + i)))).every(Boolean) },
        ),
      ),
    (r) => `ports ${r.portBase}-${r.portBase + 2}, registry in ${settings.store.url ? 'RESULTS_DATABASE_URL' : 'the embedded store'}`,
  );
  const senv = stackEnv(req.name, env);
  try {
    // A directory left by a crash under this name is cleared first (its processes by their PIDs).
    if (existsSync(dir)) await removeFiles(req.name, env);
    const appDir = await step(
      'source',
      () => exportApp(commit.sha, join(dir, 'src'), settings.repo),
      () => `reference-app at ${commit.build} (${req.ref})`,
    );
    const bundle = await step(
      'web bundle',
      () => webBundle(commit.sha, appDir, join(settings.root, '.bundles'), settings.repo),
      (b) => (b.built ? 'built' : 'reused (same web sources as an earlier environment)'),
    );
    checkpoint('the stack');
    const stack = await up({
      build: commit.build,
      portBase: record.portBase,
      env: senv,
      app: { dir: appDir, webDist: bundle.dir },
      // The bundle is this environment's own (above): the stack's own build step does nothing here.
      onStep: (name, ms, detail) => name !== 'web build' && ctx.onStep?.(name, ms, detail),
    });
    if (!stack.ready.ok) throw new StackError('ready', `the environment did not become ready: ${stack.ready.detail}`);
    const environment = loadEnvironment(req.name, { env: senv });
    const { seed: seedData } = await import('../seed/seed.ts');
    const seeded = await step(
      'seed',
      () => seedData({ environment, profile: req.profile, seed, env: { ...senv, TOLLGATE_RUNS_DIR: join(dir, 'data') } }),
      (s) => `${req.profile} profile, seed ${seed}, ${s.rows.toLocaleString('en')} rows`,
    );
    checkpoint('it was registered as ready');
    await withRegistry(settings.store, (r) => r.ready(req.name, { pids: stack.state.pids, webUrl: stack.state.urls.web }));
    const secrets = onDemandStack(req.name, env)?.secrets;
    return {
      record: { ...record, state: 'ready', pids: stack.state.pids, webUrl: stack.state.urls.web, workerPid: null },
      urls: { web: stack.state.urls.web, api: stack.state.urls.api },
      admin: { email: secrets?.adminEmail ?? stack.state.adminEmail, password: secrets?.adminPassword ?? '' },
      rows: seeded.rows,
      bundleBuilt: bundle.built,
      ms: performance.now() - t0,
    };
  } catch (e) {
    // Nothing half-created: its processes, files and registry row go; the error is the user's answer.
    await removeFiles(req.name, env).catch(() => {});
    await withRegistry(settings.store, (r) => r.remove(req.name)).catch(() => {});
    if (e instanceof StackError && !(e instanceof PortInUseError)) {
      // The stack's own hint speaks of `stack up`; here the ref is what to change.
      throw new StackError(e.step, e.message.replace(`${e.step}: `, ''), {
        cause: e,
        hint: `Nothing of ${req.name} is left (its processes, files and registry entry were removed). The reference app at ${commit.build} (${req.ref}) failed to ${e.step}: fix it there, or choose another --ref.`,
      });
    }
    throw e;
  }
}

/** Stop an environment's processes (by the PIDs its stack recorded) and delete its files. */
async function removeFiles(name: string, env: NodeJS.ProcessEnv): Promise<{ role: string; pid: number }[]> {
  const r = await down({ env: stackEnv(name, env), purge: true });
  rmSync(onDemandDir(name, env), { recursive: true, force: true });
  return r.stopped;
}

export interface DownReport {
  record: EnvRecord;
  stopped: { role: string; pid: number }[];
}

export async function envDown(name: string, ctx: Context = {}): Promise<DownReport> {
  const env = ctx.env ?? process.env;
  const settings = envSettings(env);
  const record = await withRegistry(settings.store, async (r) => {
    const found = await r.get(name);
    if (!found)
      throw new UsageError(`No on-demand environment named ${name}.`, {
        hint: 'See `npx tollgate env list` for the environments there are.',
      });
    if (found.host !== THIS_HOST)
      throw new UsageError(`${name} runs on host ${found.host}, not on this one (${THIS_HOST}).`, {
        hint: `Run \`npx tollgate env down ${name}\` there.`,
      });
    if (found.state !== 'ready' && found.workerPid !== null && found.workerPid !== process.pid && isAlive(found.workerPid))
      throw new UsageError(`${name} is being ${found.state === 'creating' ? 'created' : 'removed'} by process ${found.workerPid}.`, {
        hint: 'Wait for it to finish, then try again.',
      });
    return (await r.removing(name)) ?? found;
  });
  const stopped = await removeFiles(name, env);
  await withRegistry(settings.store, (r) => r.remove(name));
  return { record, stopped };
}

export type Status = 'creating' | 'ready' | 'removing' | 'dead' | 'orphaned' | 'elsewhere';

export interface Listed extends EnvRecord {
  status: Status;
  /** Why the status is not the registry's state. */
  why?: string;
  /** MiB its processes use (ready ones on this host). */
  memoryMiB?: number;
}

/** The state an environment is really in: the registry's, checked against its processes on this host. */
export function statusOf(r: EnvRecord, alive: (pid: number) => boolean = isAlive): { status: Status; why?: string } {
  if (r.host !== THIS_HOST) return { status: 'elsewhere', why: `on host ${r.host}` };
  if (r.state !== 'ready') {
    if (r.workerPid === null || !alive(r.workerPid))
      return { status: 'orphaned', why: `the process ${r.state === 'creating' ? 'creating' : 'removing'} it (pid ${r.workerPid}) ended` };
    return { status: r.state };
  }
  const dead = Object.entries(r.pids ?? {}).filter(([, pid]) => !alive(pid));
  if (!r.pids || dead.length)
    return { status: 'dead', why: `its processes ended (${dead.map(([role, pid]) => `${role} pid ${pid}`).join(', ')})` };
  return { status: 'ready' };
}

export async function envList(ctx: Context & { memory?: boolean } = {}): Promise<Listed[]> {
  const settings = envSettings(ctx.env ?? process.env);
  const rows = await withRegistry(settings.store, (r) => r.list());
  return rows.map((r) => {
    const s = statusOf(r);
    return { ...r, ...s, ...(ctx.memory && s.status === 'ready' && r.pids ? { memoryMiB: treeMemoryMiB(Object.values(r.pids)) } : {}) };
  });
}

/** Give an environment `ttlMs` more: from its expiry, or from now when it has expired. */
export async function envExtend(name: string, ttlMs: number, ctx: Context & { now?: Date } = {}): Promise<EnvRecord> {
  const settings = envSettings(ctx.env ?? process.env);
  const now = (ctx.now ?? new Date()).getTime();
  return withRegistry(settings.store, async (r) => {
    const found = await r.get(name);
    if (!found)
      throw new UsageError(`No on-demand environment named ${name}.`, {
        hint: 'See `npx tollgate env list` for the environments there are.',
      });
    const expiresAt = Math.max(now, found.expiresAt.getTime()) + ttlMs;
    if (expiresAt - now > MAX_TTL_MS)
      throw new UsageError(`${name} would then expire ${new Date(expiresAt).toISOString()}, more than 30 days from now.`, {
        hint: 'Extend it by less; an environment lives at most 30 days ahead.',
      });
    return (await r.extend(name, new Date(expiresAt)))!;
  });
}

export type ReapAction =
  | { name: string; action: 'remove'; why: string; record: EnvRecord }
  | { name: string; action: 'warn'; expiresInMs: number; record: EnvRecord };

/**
 * What the reaper does, decided from the registry alone: remove what has expired or lost its
 * processes (or the process creating or removing it), warn owners once within the hour before
 * expiry. Environments of other hosts and those being worked on are left alone.
 */
export function reapPlan(records: EnvRecord[], now: Date, alive: (pid: number) => boolean = isAlive): ReapAction[] {
  const actions: ReapAction[] = [];
  for (const r of records) {
    const s = statusOf(r, alive);
    const left = r.expiresAt.getTime() - now.getTime();
    if (s.status === 'elsewhere' || s.status === 'creating' || s.status === 'removing') continue;
    if (s.status === 'orphaned' || s.status === 'dead')
      actions.push({ name: r.name, action: 'remove', why: `orphaned: ${s.why}`, record: r });
    else if (left <= 0) actions.push({ name: r.name, action: 'remove', why: `expired at ${r.expiresAt.toISOString()}`, record: r });
    else if (left <= WARN_BEFORE_MS && !r.warnedAt) actions.push({ name: r.name, action: 'warn', expiresInMs: left, record: r });
  }
  return actions;
}

export interface ReapReport {
  actions: ReapAction[];
  /** Directories under the envs root that no registry row claims (removed unless a dry run). */
  strays: string[];
  dryRun: boolean;
}

export async function envReap(
  ctx: Context & { dryRun?: boolean; now?: Date; notify?: (a: ReapAction) => Promise<void> } = {},
): Promise<ReapReport> {
  const env = ctx.env ?? process.env;
  const settings = envSettings(env);
  const now = ctx.now ?? new Date();
  const records = await withRegistry(settings.store, (r) => r.list());
  const actions = reapPlan(records, now);
  const known = new Set(records.map((r) => r.name));
  const strays = existsSync(settings.root)
    ? readdirSync(settings.root).filter(
        // A minute's grace: `env up` makes its directory just after registering it.
        (d) =>
          !d.startsWith('.') &&
          !known.has(d) &&
          now.getTime() - statSync(join(settings.root, d)).mtimeMs > 60_000 &&
          !hasLiveProcesses(d, env),
      )
    : [];
  if (ctx.dryRun) return { actions, strays, dryRun: true };
  for (const a of actions) {
    if (a.action === 'remove') {
      await withRegistry(settings.store, (r) => r.removing(a.name));
      await removeFiles(a.name, env);
      await withRegistry(settings.store, (r) => r.remove(a.name));
      await ctx.notify?.(a);
    } else {
      await ctx.notify?.(a);
      await withRegistry(settings.store, (r) => r.warned(a.name, now));
    }
  }
  for (const d of strays) rmSync(join(settings.root, d), { recursive: true, force: true });
  return { actions, strays, dryRun: false };
}

/** A directory without a registry row may still run processes (a row deleted by hand): those are left. */
function hasLiveProcesses(name: string, env: NodeJS.ProcessEnv): boolean {
  const state = readState(onDemandStackDir(name, env));
  return !!state && Object.values(state.pids).some(isAlive);
}
