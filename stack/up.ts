/**
 * The local reference stack: PostgreSQL, the Flask API under gunicorn and the web bundle behind
 * nginx, all on 127.0.0.1. `up` is idempotent: a healthy stack with the same build and faults is
 * left alone; another build or faults redeploys API and web and keeps the database.
 */
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PortInUseError, StackError, TollgateError, UsageError } from '../config/errors.ts';
import { BUILD_ID } from '../config/ids.ts';
import { checkPython, migrate, startApi, waitForApi, type ApiDeployment } from './api.ts';
import { DEFAULT_PORT_BASE, knownFaults, portsFrom } from './paths.ts';
import { ensureCluster, ensureDatabase, findPgBin, startCluster } from './postgres.ts';
import { placeStack, preparePrivateHome } from './placement.ts';
import { isAlive } from '../lib/process.ts';
import { portIsFree, stopPid, stopStack as stopAll, waitForHttp } from './processes.ts';
import { probe } from '../lib/http.ts';
import { loadSecrets, readState, removeState, stackDir, writeState, type StackPorts, type StackState } from './state.ts';
import { deployWeb, ensureWebBuild, findNginx, startNginx, waitForWeb } from './web.ts';

export interface UpOptions {
  build?: string;
  faults?: string[];
  portBase?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * Another version of the reference app (an on-demand environment's ref): its directory (api/,
   * db/) and its built web bundle. Default: this checkout's, built here when stale.
   */
  app?: { dir: string; webDist: string };
  /** Called once per finished step, for progress output. */
  onStep?: (step: string, ms: number, detail?: string) => void;
}

export interface UpResult {
  state: StackState;
  action: 'unchanged' | 'redeployed' | 'started';
  ms: number;
  ready: { ok: boolean; detail: string };
  adminPasswordSource: string;
  stackDir: string;
  warnings: string[];
}

export function validateUpOptions(o: UpOptions): { build: string; faults: string[]; portBase: number } {
  const build = o.build ?? o.env?.BUILD_ID ?? 'local';
  if (!BUILD_ID.test(build)) {
    throw new UsageError(`--build "${build}" is not a valid build id.`, {
      hint: 'Use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit (e.g. a git sha).',
    });
  }
  const known = knownFaults();
  const faults = [...new Set((o.faults ?? []).map((f) => f.trim()).filter(Boolean))].sort();
  const unknown = faults.filter((f) => !known.includes(f));
  if (unknown.length) {
    throw new UsageError(`Unknown fault${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`, {
      hint: `Known faults (reference-app/FAULTS.md): ${known.join(', ')}.`,
    });
  }
  const portBase = o.portBase ?? DEFAULT_PORT_BASE;
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65533) {
    throw new UsageError(`--port-base ${o.portBase} is out of range.`, {
      hint: 'Use an integer from 1024 to 65533 (the stack uses it and the next two ports).',
    });
  }
  return { build, faults, portBase };
}

async function healthy(state: StackState): Promise<boolean> {
  if (![state.pids.postgres, state.pids.api, state.pids.web].every(isAlive)) return false;
  try {
    // Slow is not dead: on a loaded machine a healthy stack may take a few seconds to answer.
    const [api, web] = await Promise.all([probe(`${state.urls.web}/healthz`, 5_000), probe(`${state.urls.web}/`, 5_000)]);
    return api.status === 200 && web.status === 200;
  } catch {
    return false;
  }
}

async function readiness(webUrl: string): Promise<{ ok: boolean; detail: string }> {
  // /readyz answers 503 with a reason when migrations are not at head: an answer, not a hang.
  const p = await waitForHttp(`${webUrl}/readyz`, { timeoutMs: 15_000, accept: (r) => r.status === 200 || r.status === 503 });
  let detail = p.body.trim();
  try {
    const body = JSON.parse(p.body) as { reason?: string; migrations?: { applied?: string } };
    detail = p.status === 200 ? `migrations at ${body.migrations?.applied ?? '?'}` : (body.reason ?? detail);
  } catch {
    /* non-JSON body: show it as it is */
  }
  return { ok: p.status === 200, detail };
}

const sameFaults = (a: string[], b: string[]) => a.join(',') === b.join(',');

async function assertPortsFree(ports: StackPorts): Promise<void> {
  for (const [role, port] of Object.entries(ports) as [keyof StackPorts, number][]) {
    if (!(await portIsFree(port))) {
      throw new PortInUseError(
        'ports',
        `port ${port} (${role === 'db' ? 'PostgreSQL' : role === 'api' ? 'API' : 'web'}) on 127.0.0.1 is already in use by another process.`,
        {
          hint: `Stop that process, or choose other ports with --port-base N (the stack uses N, N+1, N+2; now ${ports.web}).`,
        },
      );
    }
  }
}

export async function up(options: UpOptions = {}): Promise<UpResult> {
  const t0 = performance.now();
  const env = options.env ?? process.env;
  const { build, faults, portBase } = validateUpOptions({ ...options, env });
  const dir = stackDir(env);
  const ports = portsFrom(portBase);
  const step = async <T>(name: string, fn: () => Promise<T> | T, detail?: (r: T) => string | undefined): Promise<T> => {
    const s = performance.now();
    try {
      const r = await fn();
      options.onStep?.(name, performance.now() - s, detail?.(r));
      return r;
    } catch (e) {
      // Unexpected errors (a refused connection, a full disk) still name the step they broke.
      if (e instanceof TollgateError) throw e;
      throw new StackError(name, (e as Error).message ?? String(e), { cause: e, hint: `See the logs in ${join(dir, 'logs')}.` });
    }
  };

  mkdirSync(join(dir, 'logs'), { recursive: true });
  // PostgreSQL runs as `postgres` when we are root: it must be able to reach its data dir.
  chmodSync(dir, 0o755);
  const { secrets, mismatched } = loadSecrets(dir, env);
  const adminPasswordSource = env.ADMIN_PASSWORD && !mismatched.includes('ADMIN_PASSWORD') ? 'ADMIN_PASSWORD' : join(dir, 'secrets.json');
  const warnings = mismatched.length
    ? [
        `${mismatched.join(' and ')} differ from the admin this stack was created with (${join(dir, 'secrets.json')}); they are ignored. \`npx tollgate stack down --purge\` starts over with them.`,
      ]
    : [];
  const previous = readState(dir);
  const place = placeStack(dir, ports.db, env);
  const urls = {
    web: `http://127.0.0.1:${ports.web}`,
    api: `http://127.0.0.1:${ports.web}/api`,
    readyz: `http://127.0.0.1:${ports.web}/readyz`,
  };
  const deployment = (databaseUrl: string): ApiDeployment => ({
    port: ports.api,
    databaseUrl,
    secretKey: secrets.secretKey,
    adminEmail: secrets.adminEmail,
    adminPassword: secrets.adminPassword,
    build,
    faults,
    logFile: join(dir, 'logs', 'api.log'),
    ...(options.app ? { appDir: options.app.dir } : {}),
  });
  const webBuild = async () => (options.app ? false : ensureWebBuild());
  const finish = async (state: StackState, action: UpResult['action']): Promise<UpResult> => {
    const ready = await step(
      'ready',
      () => readiness(state.urls.web),
      (r) => r.detail,
    );
    writeState(dir, state);
    return { state, action, ms: performance.now() - t0, ready, adminPasswordSource, stackDir: dir, warnings };
  };

  const reusable = previous && previous.portBase === portBase && (await healthy(previous));
  if (reusable && previous.build === build && sameFaults(previous.faults, faults)) {
    return {
      state: previous,
      action: 'unchanged',
      ms: performance.now() - t0,
      ready: await readiness(previous.urls.web),
      adminPasswordSource,
      stackDir: dir,
      warnings,
    };
  }

  const running: Partial<StackState['pids']> = reusable ? { ...previous.pids } : {};
  try {
    if (reusable) {
      // Redeploy: new API processes and web files on the same database and nginx.
      await step('preflight', () => checkPython());
      await step(
        'web build',
        () => webBuild(),
        (built) => (built ? 'built' : 'up to date'),
      );
      await step('api stop', () => stopPid(previous.pids.api, 'SIGTERM'));
      running.api = undefined;
      await step('migrate', () => migrate(deployment(previous.databaseUrl)));
      running.api = startApi(deployment(previous.databaseUrl));
      await step(
        'api',
        () => waitForApi(ports.api, running.api!, join(dir, 'logs', 'api.log')),
        () => `gunicorn pid ${running.api}`,
      );
      await step('web deploy', () => deployWeb(place.wwwDir, build, faults, options.app?.webDist));
      const now = new Date().toISOString();
      return await finish(
        { ...previous, build, faults, pids: running as StackState['pids'], adminEmail: secrets.adminEmail, deployedAt: now },
        'redeployed',
      );
    }

    if (previous) {
      await stopAll(previous.pids); // a partial or dead stack: clear what is left of it
      removeState(dir);
    }
    const pgBin = await step('preflight', async () => {
      const bin = findPgBin(env);
      findNginx(env);
      await checkPython();
      await assertPortsFree(ports);
      return bin;
    });
    await step(
      'web build',
      () => webBuild(),
      (built) => (built ? 'built' : 'up to date'),
    );
    const { cluster } = place;
    await step(
      'postgres init',
      async () => {
        if (place.home) {
          preparePrivateHome(place.home);
          // Where a user looks for it: the stack's logs point at the server log in the private home.
          const link = join(dir, 'logs', 'postgres.log');
          rmSync(link, { force: true });
          symlinkSync(cluster.logFile, link);
        }
        return ensureCluster(pgBin, cluster);
      },
      (made) => (place.home ? `${made} in ${place.home} (${dir} is not world-searchable, so postgres and nginx could not reach it)` : made),
    );
    running.postgres = await step(
      'postgres',
      () => startCluster(pgBin, cluster),
      (pid) => `pid ${pid}, port ${ports.db}`,
    );
    const databaseUrl = await step('database', () => ensureDatabase(cluster, secrets.dbPassword));
    await step('migrate', () => migrate(deployment(databaseUrl)));
    running.api = startApi(deployment(databaseUrl));
    await step(
      'api',
      () => waitForApi(ports.api, running.api!, join(dir, 'logs', 'api.log')),
      () => `gunicorn pid ${running.api}, port ${ports.api}`,
    );
    await step('web deploy', () => deployWeb(place.wwwDir, build, faults, options.app?.webDist));
    const nginxOptions = {
      prefix: join(dir, 'nginx'),
      wwwDir: place.wwwDir,
      logDir: join(dir, 'logs'),
      webPort: ports.web,
      apiPort: ports.api,
    };
    mkdirSync(nginxOptions.prefix, { recursive: true });
    running.web = startNginx(findNginx(env), nginxOptions);
    await step(
      'web',
      () => waitForWeb(ports.web, running.web!, nginxOptions.logDir),
      () => `nginx pid ${running.web}, port ${ports.web}`,
    );
    const now = new Date().toISOString();
    return await finish(
      {
        version: 1,
        build,
        faults,
        portBase,
        ports,
        pids: running as StackState['pids'],
        urls,
        databaseUrl,
        pgdata: cluster.dataDir,
        adminEmail: secrets.adminEmail,
        startedAt: now,
        deployedAt: now,
      },
      'started',
    );
  } catch (e) {
    // Nothing half-up: whatever this call left running is stopped, and no state claims a stack.
    await stopAll(running);
    removeState(dir);
    throw e;
  }
}
