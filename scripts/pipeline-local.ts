/**
 * `npm run pipeline:local`: a rehearsal of the post-deploy workflow (.github/workflows/
 * post-deploy-gate.yml) on this machine, since GitHub is not reachable from here. Same sequence,
 * same commands: the local stack stands for the deployment, then `tollgate prepare` (one job),
 * N × `tollgate run --plan … --shard i/N` as separate processes (the matrix jobs; each with a
 * runs directory of its own, as on another machine, so it opens the manifest sealed in the
 * plan), then `tollgate merge` (the merge job): triage, gate, record, publish.
 *
 * Options: --shards N (default 2), --suite list, --grep regex (a focused run), --fault name (deploy the stack with that fault
 * switched on), --build id, --workers n (per shard), --port-base n (a stack of its own),
 * --grid (the Selenium lane on a local Selenium Grid, hub + 2 nodes, stopped afterwards),
 * --parallel (run the shards at once; by default one after another, each alone on the machine
 * as on a runner of its own, so their times are not distorted by sharing two cores).
 * Per shard it prints the planned and measured seconds, then `balance: max/mean <R>` and the
 * projected wall time on N runners next to the time on one.
 * The last line is `pipeline: <verdict>, <N> shards, <T> tests, <S> s`; the exit code is the
 * merge's (0 PROMOTE/WARN, 1 BLOCK, 2 INCONCLUSIVE), or the failing step's.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../config/errors.ts';
import { reportError } from './cli.ts';
import { shardMatrix } from './ci/gate-step.ts';
import { PIPELINE_COMMANDS } from './ci/pipeline.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { up } from '../stack/up.ts';
import { gridDown, gridUp, sessionsServed, type GridState } from '../stack/grid.ts';
import { balanceRatio } from '../pipeline/balance.ts';
import { seconds } from '../lib/text.ts';

const CLI = join(REPO_ROOT, 'scripts', 'tollgate.js');
const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

/** Runs the CLI as its own process, its lines prefixed; resolves with its exit code. */
function tollgate(args: string[], env: NodeJS.ProcessEnv, prefix: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (stream: NodeJS.WriteStream) => {
      let rest = '';
      return (buf: Buffer) => {
        const lines = (rest + buf.toString()).split('\n');
        rest = lines.pop()!;
        for (const line of lines) stream.write(`${prefix}${line}\n`);
      };
    };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

function options() {
  const { values } = parseArgs({
    options: {
      shards: { type: 'string', default: '2' },
      suite: { type: 'string' },
      grep: { type: 'string' },
      fault: { type: 'string' },
      build: { type: 'string' },
      workers: { type: 'string' },
      'port-base': { type: 'string' },
      grid: { type: 'boolean', default: false },
      parallel: { type: 'boolean', default: false },
    },
  });
  // The same bounds as the workflow's matrix.
  const matrix = shardMatrix(values.shards);
  if (typeof matrix === 'string') throw new UsageError(`--${matrix}.`, { hint: 'e.g. npm run pipeline:local -- --shards 2' });
  const shards = matrix.length;
  if (values.workers !== undefined && !/^[1-9]\d*$/.test(values.workers))
    throw new UsageError(`--workers ${values.workers} is not a whole number ≥ 1.`);
  const portBase = values['port-base'] === undefined ? undefined : Number(values['port-base']);
  return { ...values, shards, portBase };
}

async function main(): Promise<number> {
  const o = options();
  const t0 = Date.now();
  const build = o.build ?? (o.fault ? `pipeline-${o.fault.replace(/_/g, '-')}` : 'local');

  const t = Date.now();
  console.log(`pipeline: deploy — the local stack, build ${build}${o.fault ? `, fault ${o.fault}` : ''}`);
  const stack = await up({ build, faults: o.fault ? [o.fault] : [], portBase: o.portBase });
  console.log(`pipeline: deploy ${stack.action} at ${stack.state.urls.web} (${since(t)})`);

  // What the jobs pass each other ($GITHUB_OUTPUT) and each shard's runner-local state.
  const work = mkdtempSync(join(tmpdir(), 'tollgate-pipeline-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  let grid: GridState | undefined;
  try {
    if (o.grid) {
      // A Grid of its own beside the stack, on ports no default stack or Grid uses.
      const gridEnv = { ...process.env, TOLLGATE_GRID_DIR: join(work, 'grid') };
      const started = await gridUp({ nodes: 2, maxSessions: 1, port: stack.state.portBase + 64 }, gridEnv);
      grid = started.state;
      env.SELENIUM_REMOTE_URL = grid.url;
      console.log(`pipeline: Selenium Grid at ${grid.url}: hub + ${grid.nodes.length} nodes (${since(t0)})`);
    }
    return await jobs({ ...o, work, t0, build, env });
  } finally {
    if (grid) {
      const served = grid.nodes.map((n, i) => `node ${i + 1} ${sessionsServed(n.log)}`).join(', ');
      await gridDown({ ...process.env, TOLLGATE_GRID_DIR: join(work, 'grid') });
      console.log(`pipeline: Selenium Grid stopped; sessions served: ${served}`);
    }
    rmSync(work, { recursive: true, force: true });
  }
}

async function jobs(o: ReturnType<typeof options> & { work: string; t0: number; build: string; env: NodeJS.ProcessEnv }): Promise<number> {
  const { work, t0, build, env } = o;
  // The prepare job: its outputs (run id, plan) reach the other jobs through $GITHUB_OUTPUT.
  let t = Date.now();
  const outputs = join(work, 'github-output');
  writeFileSync(outputs, '');
  const prepared = await tollgate(
    PIPELINE_COMMANDS.prepare({ env: 'local', build, shards: String(o.shards), suites: o.suite, workers: o.workers, grep: o.grep }),
    { ...env, GITHUB_OUTPUT: outputs },
    '[prepare] ',
  );
  if (prepared !== 0) {
    console.log(`pipeline: prepare failed (exit ${prepared})`);
    return prepared;
  }
  const out = Object.fromEntries(
    readFileSync(outputs, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
  const { plan, 'run-id': runId } = out as { plan: string; 'run-id': string };
  const prepareMs = Date.now() - t;
  console.log(`pipeline: prepare ${runId} (${since(t)})`);

  // The matrix: every shard a process with a runs directory of its own, as on its own runner.
  t = Date.now();
  const shard = async (k: number) => {
    const runs = join(work, `shard-${k + 1}`, 'runs');
    mkdirSync(runs, { recursive: true });
    const s0 = Date.now();
    const exit = await tollgate(
      PIPELINE_COMMANDS.shard(plan, `${k + 1}/${o.shards}`, o.workers),
      { ...env, TOLLGATE_RUNS_DIR: runs },
      `[shard ${k + 1}/${o.shards}] `,
    );
    return { exit, ms: Date.now() - s0 };
  };
  const ks = Array.from({ length: o.shards }, (_, k) => k);
  const shards: { exit: number; ms: number }[] = [];
  if (o.parallel) shards.push(...(await Promise.all(ks.map(shard))));
  else for (const k of ks) shards.push(await shard(k));
  console.log(
    `pipeline: ${o.shards} shard(s) in ${since(t)}, ${o.parallel ? 'at once' : 'one after another'} (exit ${shards.map((x) => x.exit).join(', ')})`,
  );

  // The merge job runs whatever the shards did: a missing part makes the run INCONCLUSIVE there.
  t = Date.now();
  const code = await tollgate(PIPELINE_COMMANDS.merge(plan, join('reports', runId, 'shards')), env, '[merge] ');
  const mergeMs = Date.now() - t;
  console.log(`pipeline: merge (${since(t)}, exit ${code})`);
  printBalance(readPlanLists(plan), shards, prepareMs, mergeMs, o.parallel);
  let report: { verdict?: string; counts?: { total: number } } = {};
  try {
    report = JSON.parse(readFileSync(join(REPO_ROOT, 'reports', runId, 'report.json'), 'utf8'));
  } catch {
    // no report: the merge failed before publishing; the line below says so
  }
  if (o.fault)
    console.log(`pipeline: the stack keeps running with ${o.fault}; \`npm run demo\` or \`npx tollgate stack up\` redeploys it healthy.`);
  console.log(
    `pipeline: ${report.verdict ?? `no verdict (merge exit ${code})`}, ${o.shards} shards, ${report.counts?.total ?? 0} tests, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return code;
}

/** The plan's balanced lists, when prepare had history to balance on. */
function readPlanLists(plan: string): { plannedMs: number[] } | undefined {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, plan), 'utf8')) as { shardLists?: { plannedMs: number[] } }).shardLists;
  } catch {
    return undefined;
  }
}

function printBalance(
  lists: { plannedMs: number[] } | undefined,
  shards: { ms: number }[],
  prepareMs: number,
  mergeMs: number,
  parallel: boolean,
) {
  for (const [k, s] of shards.entries()) {
    const planned = lists ? `planned ${seconds(lists.plannedMs[k] ?? 0).padStart(7)} of tests` : 'planned by count (no history)';
    console.log(`pipeline: shard ${k + 1}/${shards.length}  ${planned}, measured ${seconds(s.ms).padStart(7)}`);
  }
  const measured = shards.map((s) => s.ms);
  console.log(
    `balance: max/mean ${balanceRatio(measured).toFixed(2)}${lists ? '' : ' (shards split by count: no history yet)'}${parallel ? ' (shards ran at once, sharing this machine)' : ''}`,
  );
  const total = measured.reduce((a, b) => a + b, 0);
  console.log(
    `projection: on ${shards.length} runners ${seconds(prepareMs + Math.max(...measured) + mergeMs)} (prepare + slowest shard + merge); on 1 runner ${seconds(prepareMs + total + mergeMs)} (the shards one after another)`,
  );
}

try {
  process.exitCode = await main();
} catch (e) {
  process.exitCode = reportError(e);
}
