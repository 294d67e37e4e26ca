/**
 * `npm run bench:stack`: times the local stack's lifecycle in a throwaway directory through the
 * real CLI — cold up (fresh cluster; the web bundle is built first, outside the timing), warm up
 * (no change), redeploy (new build and faults), down. Targets: cold < 15 s, warm < 2 s.
 * Last line: `stack: cold <C> s, warm <W> s, redeploy <R> s, down <D> s`
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../config/paths.ts';
import { ensureWebBuild } from '../../stack/web.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-stack-'));
const base = process.env.TOLLGATE_BENCH_PORT_BASE ?? '18380';
const env = { ...process.env, TOLLGATE_STACK_DIR: dir };

function timed(args: string[]): number {
  const t0 = performance.now();
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'tollgate.js'), ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - t0) / 1000;
}

try {
  await ensureWebBuild();
  const cold = timed(['stack', 'up', '--port-base', base, '--build', 'bench-1']);
  const warm = timed(['stack', 'up', '--port-base', base, '--build', 'bench-1']);
  const redeploy = timed(['stack', 'up', '--port-base', base, '--build', 'bench-2', '--faults', 'wrong_build']);
  const down = timed(['stack', 'down']);
  const f = (s: number) => s.toFixed(2);
  console.log(`targets: cold < 15 s ${cold < 15 ? 'met' : 'MISSED'}, warm < 2 s ${warm < 2 ? 'met' : 'MISSED'}`);
  console.log(`stack: cold ${f(cold)} s, warm ${f(warm)} s, redeploy ${f(redeploy)} s, down ${f(down)} s`);
} finally {
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'tollgate.js'), 'stack', 'down', '--purge'], { env, stdio: 'ignore' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
