/**
 * `npm run bench:gate`: time to verdict of `tollgate run --env local --suite smoke` against bare
 * Playwright running the same tests (`npx playwright test --grep "@smoke|@verify"`: the smoke
 * journeys and the deployment checks, with Playwright's own ready/seed/cleanup projects) on the
 * same local stack (its own, started first on ports 18410-18412), alternating the two (bare,
 * gate, bare, gate) so both see the same machine. The gate's own overhead is the difference:
 * target ratio ≤ 1.10. Bare `--grep @smoke` alone (no deployment checks) is timed too, for
 * reference: the gate does more than it, by design.
 *
 * Then the early verdict: the stack is redeployed with a fault that breaks a smoke journey
 * (revoked_reads_genuine) and one full gate run (no --fail-fast) is timed to the moment it
 * prints `BLOCK certain` and to its end. Target: under 30 % of the run.
 *
 * Last two lines, exactly:
 *   gate: <A> s to verdict, bare playwright: <B> s, ratio <R>
 *   time to certain BLOCK: <s> s of <S> s (<P> %)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../config/paths.ts';
import { up } from '../../stack/up.ts';
import { benchStack, timedNode as timed } from './harness.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PORT_BASE = 18410;

async function main(): Promise<number> {
  const stack = await benchStack('gate', PORT_BASE);
  try {
    const code = await bench(stack.env);
    return code || (await earlyBlock(stack.env));
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
  const playwright = (grep: string) => [
    join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'),
    'test',
    '--grep',
    grep,
    '--reporter=dot',
    '--output',
    join(dir, 'bare-results'),
  ];
  const bareEnv = { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: join(dir, 'bare.json'), TOLLGATE_RESULTS_FILE: join(dir, 'bare-normalized.json') };
  const gate = [join(REPO_ROOT, 'scripts', 'tollgate.js'), 'run', '--env', 'local', '--suite', 'smoke'];
  const bareTimes: number[] = [];
  const gateTimes: number[] = [];
  const smokeTimes: number[] = [];
  try {
    for (let i = 1; i <= ROUNDS; i++) {
      const smokeOnly = await timed(playwright('@smoke'), bareEnv);
      const b = await timed(playwright('@smoke|@verify'), bareEnv);
      if (b.code !== 0 || smokeOnly.code !== 0)
        throw new Error(`bare playwright failed (exit ${b.code || smokeOnly.code}):\n${(b.code ? b : smokeOnly).output.slice(-3000)}`);
      const g = await timed(gate, env);
      if (g.code !== 0) throw new Error(`tollgate run did not PROMOTE (exit ${g.code}):\n${g.output.slice(-3000)}`);
      bareTimes.push(b.seconds);
      smokeTimes.push(smokeOnly.seconds);
      gateTimes.push(g.seconds);
      const steps = g.output
        .split('\n')
        .filter((l) => /^\s+[✓✗-] \w+\s+\d/.test(l))
        .map((l) => l.trim().replace(/\s+/g, ' ').split(' ').slice(1, 4).join(' '))
        .join(', ');
      console.log(
        `  round ${i}: bare ${b.seconds.toFixed(1)} s (@smoke alone ${smokeOnly.seconds.toFixed(1)} s), gate ${g.seconds.toFixed(1)} s  (${steps})`,
      );
      const runId = /tollgate run (tg_\w+)/.exec(g.output)?.[1];
      if (runId) rmSync(join(REPO_ROOT, 'reports', runId), { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const a = mean(gateTimes);
  const b = mean(bareTimes);
  console.log(
    `  for reference: bare \`--grep @smoke\` alone (no deployment checks) ${mean(smokeTimes).toFixed(1)} s, ratio ${(a / mean(smokeTimes)).toFixed(2)}`,
  );
  console.log(`gate: ${a.toFixed(1)} s to verdict, bare playwright: ${b.toFixed(1)} s, ratio ${(a / b).toFixed(2)}`);
  return 0;
}

/** One full gate run against a faulty deployment: when BLOCK was certain, against the whole run. */
async function earlyBlock(stackEnv: NodeJS.ProcessEnv): Promise<number> {
  const fault = 'revoked_reads_genuine';
  await up({ env: stackEnv, portBase: Number(process.env.TOLLGATE_BENCH_PORT_BASE || PORT_BASE), build: 'bench-gate', faults: [fault] });
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-early-'));
  try {
    const env = {
      ...stackEnv,
      TOLLGATE_RESULTS_DIR: join(dir, 'results'),
      TOLLGATE_SPOOL_DIR: join(dir, 'spool'),
      TOLLGATE_RUNS_DIR: join(dir, 'runs'),
    };
    const g = await timed(
      [join(REPO_ROOT, 'scripts', 'tollgate.js'), 'run', '--env', 'local', '--suite', 'smoke'],
      env,
      /BLOCK certain at/,
    );
    const runId = /tollgate run (tg_\w+)/.exec(g.output)?.[1];
    if (runId) rmSync(join(REPO_ROOT, 'reports', runId), { recursive: true, force: true });
    if (g.code !== 1) throw new Error(`the gate did not BLOCK the faulty deployment (${fault}; exit ${g.code}):\n${g.output.slice(-3000)}`);
    if (g.matchedAt === undefined) throw new Error(`the gate BLOCKed ${fault} but never said BLOCK was certain:\n${g.output.slice(-3000)}`);
    console.log(`  early verdict: ${fault} deployed; one full run (no --fail-fast)`);
    console.log(
      `time to certain BLOCK: ${g.matchedAt.toFixed(1)} s of ${g.seconds.toFixed(1)} s (${((100 * g.matchedAt) / g.seconds).toFixed(0)} %)`,
    );
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`gate bench: ${(e as Error).message}`);
  process.exitCode = 1;
}
