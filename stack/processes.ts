/** Start, watch and stop the stack's processes by PID; probe ports; wait for HTTP endpoints. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFetchError, probe, type HttpProbe } from '../lib/http.ts';
import { isAlive, orphanedGroup } from '../lib/process.ts';

/**
 * Start a long-running server detached in its own process group, its output appended to
 * `logFile`, so it outlives this CLI and `down` can stop it (and its workers) by PID.
 */
export function spawnDetached(command: string, args: string[], logFile: string, options: SpawnOptions = {}): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', fd, fd] });
    if (!child.pid) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Send `signal`, wait up to `graceMs` for the process to exit, then SIGKILL its group. */
export async function stopPid(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (!pid) return;
  if (!isAlive(pid)) return stopOrphans(pid, graceMs);
  try {
    process.kill(pid!, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(25);
  }
  for (const target of [-pid!, pid!]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      /* already gone, or not a group leader */
    }
  }
  while (isAlive(pid)) await sleep(25);
}

/**
 * A server whose leader died (killed hard, crashed) may leave its workers running in its process
 * group, still holding its port: stop them too, by the group the leader's PID names.
 */
async function stopOrphans(pgid: number, graceMs: number): Promise<void> {
  if (!orphanedGroup(pgid).length) return;
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(-pgid, signal);
    } catch {
      return; // the group is gone
    }
    const deadline = Date.now() + (signal === 'SIGTERM' ? graceMs : 5_000);
    while (Date.now() < deadline) {
      if (!orphanedGroup(pgid).length) return;
      await sleep(25);
    }
  }
}

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Poll `url` until `accept` says yes or `timeoutMs` passes. Gives up early when `alive()`
 * says the server process died, so a crash is reported at once rather than after the wait.
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; accept?: (p: HttpProbe) => boolean; alive?: () => boolean },
): Promise<HttpProbe> {
  const accept = options.accept ?? ((p) => p.status === 200);
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (options.alive && !options.alive()) throw new Error(`the process serving ${url} exited (last: ${last})`);
    try {
      const p = await probe(url);
      if (accept(p)) return p;
      last = `HTTP ${p.status} ${p.body.slice(0, 200)}`;
    } catch (e) {
      last = describeFetchError(e);
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer in ${Math.round(options.timeoutMs / 1000)} s (last: ${last})`);
}

/** Stops the stack's processes, gracefully and in order: web (finish in-flight requests), API, PostgreSQL. */
export async function stopStack(pids: Partial<Record<'web' | 'api' | 'postgres', number>>): Promise<void> {
  await stopPid(pids.web, 'SIGQUIT');
  await stopPid(pids.api, 'SIGTERM');
  await stopPid(pids.postgres, 'SIGINT'); // PostgreSQL's "fast" shutdown
}
