/**
 * `npm run bench:gate`: time to verdict of `tollgate run --env local --suite smoke` against
 * bare `npx playwright test --grep @smoke` on the same local stack (its own, started first on
 * ports 18410-18412), alternating the two (bare, gate, bare, gate) so both see the same
 * machine. Target: ratio ≤ 1.25.
 * Last line, exactly:  gate: <A> s to verdict, bare playwright: <B> s, ratio <R>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../config/paths.ts';
import { benchStack, timedNode as timed } from './harness.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PORT_BASE = 18410;

async function main(): Promise<number> {
  const stack = await benchStack('gate', PORT_BASE);
  try {
    return await bench(stack.env);
  } finally {
    await stack.stop();
  }
}

async function bench(stackEnv: NodeJS.ProcessEnv): Promise<number> {
  console.log(`gate bench: ${ROUNDS} rounds, alternating bare Playwright and the gate`);
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-gate-'));
  const env: NodeJS.ProcessEnv = {
    ...stackEnv,
    TOLLGATE_RESULTS_DIR: join(dir, 'results'),
    TOLLGATE_SPOOL_DIR: join(dir, 'spool'),
    TOLLGATE_RUNS_DIR: join(dir, 'runs'),
    TOLLGATE_ALLURE_HISTORY_DIR: join(dir, 'allure-history'),
  };
  const bare = [
    join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'),
    'test',
    '--grep',
    '@smoke',
    '--reporter=dot',
    '--output',
    join(dir, 'bare-results'),
  ];
  const gate = [join(REPO_ROOT, 'scripts', 'tollgate.js'), 'run', '--env', 'local', '--suite', 'smoke'];
  const bareTimes: number[] = [];
  const gateTimes: number[] = [];
  try {
    for (let i = 1; i <= ROUNDS; i++) {
      const b = await timed(bare, {
        ...env,
        PLAYWRIGHT_JSON_OUTPUT_NAME: join(dir, 'bare.json'),
        TOLLGATE_RESULTS_FILE: join(dir, 'bare-normalized.json'),
      });
      if (b.code !== 0) throw new Error(`bare playwright failed (exit ${b.code}):\n${b.output.slice(-3000)}`);
      const g = await timed(gate, env);
      if (g.code !== 0) throw new Error(`tollgate run did not PROMOTE (exit ${g.code}):\n${g.output.slice(-3000)}`);
      bareTimes.push(b.seconds);
      gateTimes.push(g.seconds);
      const steps = g.output
        .split('\n')
        .filter((l) => /^\s+[✓✗-] \w+\s+\d/.test(l))
        .map((l) => l.trim().replace(/\s+/g, ' ').split(' ').slice(1, 4).join(' '))
        .join(', ');
      console.log(`  round ${i}: bare ${b.seconds.toFixed(1)} s, gate ${g.seconds.toFixed(1)} s  (${steps})`);
      const runId = /tollgate run (tg_\w+)/.exec(g.output)?.[1];
      if (runId) rmSync(join(REPO_ROOT, 'reports', runId), { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const a = mean(gateTimes);
  const b = mean(bareTimes);
  console.log(`gate: ${a.toFixed(1)} s to verdict, bare playwright: ${b.toFixed(1)} s, ratio ${(a / b).toFixed(2)}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`gate bench: ${(e as Error).message}`);
  process.exitCode = 1;
}
