/**
 * `npm run bench:smoke`: the smoke suite (setup projects, verify, API and web smoke, and the
 * Selenium lane when the config has it) against a local stack of its own (ports 18400-18402), through the real
 * Playwright CLI with 2 workers and the smoke seed profile. Target: ≤ 30 s wall on 2 cores.
 * Prints a per-project timeline (where the time goes), then as its last line:
 *   smoke: <S> s wall, <T> tests, <W> workers
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../config/paths.ts';
import { stripAnsi } from '../../lib/text.ts';
import { benchStack } from './harness.ts';

const WORKERS = 2;
const WANTED = ['ready', 'seed', 'auth', 'verify', 'smoke-api', 'smoke-web', 'smoke-selenium'];
const OPTIONAL = new Set(['smoke-selenium']);

interface JsonResult {
  status: string;
  startTime: string;
  duration: number;
  workerIndex: number;
  error?: { message?: string };
}
interface JsonSuite {
  suites?: JsonSuite[];
  specs?: { title: string; file: string; tests: { projectName: string; results: JsonResult[] }[] }[];
}
interface Ran {
  project: string;
  title: string;
  status: string;
  start: number;
  end: number;
  error: string;
}

const PORT_BASE = 18400;

/** The smoke projects the config defines right now (another lane may be added at any time). */
async function projects(): Promise<string[]> {
  const config = (await import('../../playwright.config.ts')).default;
  const defined = new Set((config.projects ?? []).map((p) => p.name));
  const missing = WANTED.filter((p) => !defined.has(p) && !OPTIONAL.has(p));
  if (missing.length)
    throw new Error(
      `playwright.config.ts defines no project ${missing.join(', ')}; the smoke bench needs ${WANTED.filter((p) => !OPTIONAL.has(p)).join(', ')}.`,
    );
  return WANTED.filter((p) => defined.has(p));
}

function flatten(suites: JsonSuite[]): Ran[] {
  const out: Ran[] = [];
  const walk = (s: JsonSuite) => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests) {
        for (const r of t.results) {
          const start = Date.parse(r.startTime);
          out.push({
            project: t.projectName,
            title: `${spec.file} › ${spec.title}`,
            status: r.status,
            start,
            end: start + r.duration,
            error: stripAnsi(r.error?.message ?? '').split('\n')[0]!,
          });
        }
      }
    }
    s.suites?.forEach(walk);
  };
  suites.forEach(walk);
  return out;
}

async function main(): Promise<number> {
  const stack = await benchStack('smoke', PORT_BASE);
  try {
    // Loading the config resolves the target: this bench's stack.
    process.env.TOLLGATE_STACK_DIR = stack.env.TOLLGATE_STACK_DIR;
    const selected = await projects();
    // The config fixes a run id in process.env when loaded: the child must make its own (benchStack drops it).
    return await bench(selected, { ...stack.env, TOLLGATE_SEED_PROFILE: 'smoke', TOLLGATE_WORKERS: String(WORKERS) });
  } finally {
    await stack.stop();
  }
}

async function bench(selected: string[], childEnv: NodeJS.ProcessEnv): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-smoke-'));
  const report = join(dir, 'report.json');
  try {
    const args = [
      'test',
      ...selected.flatMap((p) => ['--project', p]),
      '--workers',
      String(WORKERS),
      '--reporter=json',
      '--output',
      join(dir, 'results'),
    ];
    console.log(`smoke bench: playwright ${args.join(' ')}`);
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...childEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
    const wall = (performance.now() - t0) / 1000;

    let json: { suites: JsonSuite[]; stats: { startTime: string } };
    try {
      json = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      throw new Error(`Playwright exited ${code} without a JSON report:\n${stderr}`);
    }
    const ran = flatten(json.suites).filter((r) => r.status !== 'skipped');
    const failed = ran.filter((r) => r.status !== 'passed');
    printTimeline(ran, Date.parse(json.stats.startTime), t0);

    if (failed.length || code !== 0) {
      console.error(`\nsmoke bench: the suite FAILED (exit ${code}); a failed run is no benchmark:`);
      for (const f of failed) console.error(`  ✗ [${f.project}] ${f.title} (${f.status}) — ${f.error}`);
      if (!failed.length) console.error(stderr);
      console.log(`smoke: FAILED, ${failed.length} of ${ran.length} tests failed (${wall.toFixed(1)} s wall, ${WORKERS} workers)`);
      return 1;
    }
    console.log(`smoke: ${wall.toFixed(1)} s wall, ${ran.length} tests, ${WORKERS} workers`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per project: when its first test started and its last ended, and its summed test time. */
function printTimeline(ran: Ran[], runStart: number, spawnedAt: number): void {
  const startup = (runStart - (performance.timeOrigin + spawnedAt)) / 1000;
  console.log(`  ${'startup (CLI, config, test list)'.padEnd(34)} ${startup.toFixed(1).padStart(5)} s`);
  const byProject = new Map<string, Ran[]>();
  for (const r of ran) byProject.set(r.project, [...(byProject.get(r.project) ?? []), r]);
  const rows = [...byProject].map(([p, rs]) => ({
    p,
    from: Math.min(...rs.map((r) => r.start)),
    to: Math.max(...rs.map((r) => r.end)),
    busy: rs.reduce((n, r) => n + r.end - r.start, 0),
    n: rs.length,
  }));
  for (const row of rows.sort((a, b) => a.from - b.from)) {
    const at = (t: number) => ((t - runStart) / 1000).toFixed(1).padStart(5);
    console.log(`  ${`${row.p} (${row.n})`.padEnd(34)} ${at(row.from)} → ${at(row.to)} s, tests ${(row.busy / 1000).toFixed(1)} s`);
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`smoke bench: ${(e as Error).message}`);
  process.exitCode = 1;
}
