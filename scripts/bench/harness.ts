/**
 * What the benches share: a stack of their own (a throwaway directory and ports, so a stack the
 * user has running is never touched) and the child processes they time.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../config/paths.ts';
import { down } from '../../stack/stack.ts';
import { up } from '../../stack/up.ts';

export interface BenchStack {
  /** The caller's environment pointed at this stack (TOLLGATE_STACK_DIR), with no run id, CI or Slack. */
  env: NodeJS.ProcessEnv;
  dir: string;
  webURL: string;
  stop: () => Promise<void>;
}

/**
 * Start a stack for one bench on `portBase` (TOLLGATE_BENCH_PORT_BASE overrides), say where, and
 * return how to stop it. The bench's timings start after this.
 */
export async function benchStack(name: string, portBase: number): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), `tollgate-bench-${name}-`));
  chmodSync(dir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TOLLGATE_STACK_DIR: join(dir, 'stack'),
    CI: '',
    SLACK_WEBHOOK_URL: '',
    SLACK_BOT_TOKEN: '',
  };
  delete env.TOLLGATE_RUN_ID;
  delete env.TOLLGATE_WEB_URL;
  delete env.TOLLGATE_API_URL;
  const base = Number(process.env.TOLLGATE_BENCH_PORT_BASE || portBase);
  const t0 = performance.now();
  const stop = async () => {
    await down({ env, purge: true });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = await up({ env, portBase: base, build: `bench-${name}` });
    console.log(
      `${name} bench: started its own stack on 127.0.0.1:${base}-${base + 2} in ${((performance.now() - t0) / 1000).toFixed(1)} s (stopped at the end)`,
    );
    return { env, dir, webURL: started.state.urls.web, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Run `node <args>` from the repository, timing it; both streams are collected. With `watch`,
 * also when (seconds from the start) the output first matched it.
 */
export function timedNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  watch?: RegExp,
): Promise<{ seconds: number; code: number; output: string; matchedAt?: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let matchedAt: number | undefined;
    const take = (d: Buffer) => {
      output += d.toString();
      if (watch && matchedAt === undefined && watch.test(output)) matchedAt = (performance.now() - t0) / 1000;
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) =>
      resolve({ seconds: (performance.now() - t0) / 1000, code: code ?? 1, output, ...(matchedAt !== undefined ? { matchedAt } : {}) }),
    );
  });
}
