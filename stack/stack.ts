/**
 * Stopping and inspecting the local reference stack (starting it: up.ts). Both act only on the
 * processes the stack's state names, by PID.
 */
import { rmSync } from 'node:fs';
import { removePrivateHome } from './placement.ts';
import { probe } from '../lib/http.ts';
import { isAlive } from '../lib/process.ts';
import { portIsFree, stopStack as stopAll } from './processes.ts';
import { readState, removeState, stackDir, type StackState } from './state.ts';

export interface DownResult {
  stopped: { role: string; pid: number }[];
  portsFree: boolean;
  purged: boolean;
  stackDir: string;
  /** The private home (cluster, web root) removed with --purge, when the stack had one. */
  privateHome?: string;
}

export async function down(options: { env?: NodeJS.ProcessEnv; purge?: boolean } = {}): Promise<DownResult> {
  const dir = stackDir(options.env ?? process.env);
  const state = readState(dir);
  const stopped: DownResult['stopped'] = [];
  if (state) {
    for (const [role, pid] of Object.entries(state.pids)) if (isAlive(pid)) stopped.push({ role, pid });
    await stopAll(state.pids);
    removeState(dir);
  }
  let portsFree = true;
  if (state) for (const port of Object.values(state.ports)) portsFree &&= await portIsFree(port);
  let privateHome: string | undefined;
  if (options.purge) {
    rmSync(dir, { recursive: true, force: true });
    privateHome = removePrivateHome(dir, options.env ?? process.env);
  }
  return { stopped, portsFree, purged: !!options.purge, stackDir: dir, ...(privateHome ? { privateHome } : {}) };
}

export interface StatusResult {
  running: boolean;
  healthy: boolean;
  state?: StackState;
  processes: { role: string; pid: number; alive: boolean }[];
  checks: { name: string; url: string; status: number | string }[];
  stackDir: string;
}

export async function status(options: { env?: NodeJS.ProcessEnv } = {}): Promise<StatusResult> {
  const dir = stackDir(options.env ?? process.env);
  const state = readState(dir);
  if (!state) return { running: false, healthy: false, processes: [], checks: [], stackDir: dir };
  const processes = Object.entries(state.pids).map(([role, pid]) => ({ role, pid, alive: isAlive(pid) }));
  const targets = [
    { name: 'web', url: `${state.urls.web}/` },
    { name: 'healthz', url: `${state.urls.web}/healthz` },
    { name: 'readyz', url: state.urls.readyz },
  ];
  const checks = await Promise.all(
    targets.map(async (t) => {
      try {
        return { ...t, status: (await probe(t.url, 2_000)).status as number | string };
      } catch (e) {
        return { ...t, status: (e as { cause?: { code?: string } }).cause?.code ?? 'no answer' };
      }
    }),
  );
  const healthy = processes.every((p) => p.alive) && checks.every((c) => c.status === 200);
  return { running: processes.some((p) => p.alive), healthy, state, processes, checks, stackDir: dir };
}
