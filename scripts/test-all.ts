/**
 * `npm test`: every test Tollgate has, in one run, ending with one `N passed, N failed` line.
 *   static    the guard rails: type checks (harness, web app), ESLint, the layering and cycle
 *             check (dependency-cruiser) and the formatter; each is one test that passes or fails
 *   app       the reference app's pytest suite (its own throwaway PostgreSQL)
 *   unit      the harness's unit tests (`*.test.ts` beside the code, node:test)
 *   selftest  Tollgate's own end-to-end tests (selftest/*.test.ts: the stack command, …)
 *   e2e       the Playwright suites against a freshly booted local stack
 * `--only a,b` runs a subset. A group that crashes counts as one failure, never as zero tests.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { resolveChromium } from '../config/browser.ts';
import { resolveTarget } from '../config/target.ts';
import { PYTHON, REFERENCE_APP } from '../stack/paths.ts';
import { ensureWebBuild } from '../stack/web.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { runNode } from '../lib/spawn.ts';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
interface Group {
  name: string;
  run: () => Promise<Counts>;
}

const REPORTS = join(REPO_ROOT, 'reports', 'tests');
const E2E_STACK_DIR = join(REPO_ROOT, '.tollgate', 'test-stack');
const E2E_PORT_BASE = process.env.TOLLGATE_TEST_PORT_BASE ?? '18180';

function exec(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`could not start ${command}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function findFiles(dir: string, pattern: RegExp, skip: Set<string>): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findFiles(path, pattern, skip));
    else if (pattern.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Counts from node:test's TAP summary (`# pass N`, `# fail N`, `# skipped N`). */
export function countsFromTap(tap: string): Counts | undefined {
  const n = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap)?.[1]);
  const [passed, failed, skipped, cancelled, todo] = ['pass', 'fail', 'skipped', 'cancelled', 'todo'].map(n);
  if (passed === undefined || Number.isNaN(passed)) return undefined;
  return { passed, failed: (failed || 0) + (cancelled || 0), skipped: (skipped || 0) + (todo || 0) };
}

/** Counts from a JUnit XML file's <testsuite> elements (pytest writes one). */
export function countsFromJunit(xml: string): Counts | undefined {
  const suites = [...xml.matchAll(/<testsuite\b([^>]*)>/g)].map((m) => m[1]!);
  if (!suites.length) return undefined;
  const attr = (s: string, k: string) => Number(new RegExp(`\\b${k}="(\\d+)"`).exec(s)?.[1] ?? 0);
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of suites) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += attr(s, k);
  return {
    passed: total.tests - total.failures - total.errors - total.skipped,
    failed: total.failures + total.errors,
    skipped: total.skipped,
  };
}

/** Counts from Playwright's JSON reporter (`stats`). A flaky test passed, so it counts as passed. */
export function countsFromPlaywright(json: string): Counts | undefined {
  const stats = (JSON.parse(json) as { stats?: { expected: number; unexpected: number; flaky: number; skipped: number } }).stats;
  return stats && { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
}

const crashed = (name: string, why: string): Counts => {
  console.error(`\n${name}: ${why} — counted as 1 failure`);
  return { passed: 0, failed: 1, skipped: 0 };
};

/** node:test's arguments: the spec reporter on stdout and a TAP file for the counts. */
const nodeTestArgs = (tap: string) => [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tap}`,
];

function countsOf(name: string, code: number, tap: string): Counts {
  const counts = existsSync(tap) ? countsFromTap(readFileSync(tap, 'utf8')) : undefined;
  if (!counts) return crashed(name, `node --test exited ${code} without a summary`);
  if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1 };
  return counts;
}

async function nodeTests(name: string, files: string[]): Promise<Counts> {
  if (!files.length) return crashed(name, 'no test files found');
  const tap = join(REPORTS, `${name}.tap`);
  rmSync(tap, { force: true });
  const code = await exec(process.execPath, [...nodeTestArgs(tap), ...files.map((f) => relative(REPO_ROOT, f))]);
  return countsOf(name, code, tap);
}

/**
 * Runs the jobs at most `concurrency` at a time, each as soon as a slot frees, in the order given;
 * the results come back in that order.
 */
export async function inPool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane));
  return results;
}

/**
 * Test files side by side, `concurrency` at a time, in the order given (node --test would sort them
 * by name), each in its own `node --test` with its own TAP file under reports/tests/<name>/. A
 * file's output is printed in one piece when it ends, headed by its counts and time.
 */
async function nodeTestFiles(name: string, files: string[], concurrency: number): Promise<Counts> {
  if (!files.length) return crashed(name, 'no test files found');
  const dir = join(REPORTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const runFile = (file: string) => async (): Promise<Counts> => {
    const label = relative(REPO_ROOT, file);
    const tap = join(dir, `${basename(file, '.ts')}.tap`);
    const started = performance.now();
    console.log(`… ${label} started at ${((started - t0) / 1000).toFixed(1)} s`);
    const { code, output } = await runNode([...nodeTestArgs(tap), label], { cwd: REPO_ROOT });
    const counts = countsOf(label, code, tap);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`\n── ${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds} s)\n${output}`);
    return counts;
  };
  return (await inPool(files.map(runFile), concurrency)).reduce(add);
}

const WEB_FAULTS = ['dashboard_counts_zero', 'link_button_missing', 'signout_broken', 'verify_button_missing'];

async function playwright(args: string[], jsonFile: string, env: NodeJS.ProcessEnv, label: string): Promise<Counts> {
  rmSync(jsonFile, { force: true });
  const code = await exec(process.execPath, [join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...args], {
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile, ...env },
  });
  const counts = existsSync(jsonFile) ? countsFromPlaywright(readFileSync(jsonFile, 'utf8')) : undefined;
  if (!counts) return crashed(label, `playwright exited ${code} without a report`);
  return code !== 0 && counts.failed === 0 ? { ...counts, failed: 1 } : counts;
}

const add = (a: Counts, b: Counts): Counts => ({
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
});

/**
 * The harness's Playwright suites on a healthy stack, then the web app's own fault tests on the
 * healthy stack and again after redeploying it with the web faults on.
 */
async function e2e(): Promise<Counts> {
  const env = { ...process.env, TOLLGATE_STACK_DIR: E2E_STACK_DIR };
  const stack = (...args: string[]) => exec(process.execPath, [join(REPO_ROOT, 'scripts', 'tollgate.js'), 'stack', ...args], { env });
  const upCode = await stack('up', '--port-base', E2E_PORT_BASE, '--build', 'e2e');
  if (upCode !== 0) return crashed('e2e', `the local stack did not start (exit ${upCode})`);
  try {
    // Every suite on regression-profile data; the demo dry run needs the demo storyline's data.
    let total = await playwright([], join(REPO_ROOT, 'reports', 'playwright', 'results.json'), env, 'e2e');
    if (existsSync(join(REPO_ROOT, 'tests', 'demo'))) {
      total = add(
        total,
        await playwright(
          ['--project', 'demo'],
          join(REPO_ROOT, 'reports', 'playwright', 'demo.json'),
          { ...env, TOLLGATE_SEED_PROFILE: 'demo' },
          'e2e',
        ),
      );
    }
    const target = resolveTarget(env);
    const webEnv = {
      ...env,
      TAGTRUST_WEB_URL: target.webURL,
      TAGTRUST_ADMIN_EMAIL: target.stackAdmin!.email,
      TAGTRUST_ADMIN_PASSWORD: target.stackAdmin!.password,
      TAGTRUST_CHROMIUM: resolveChromium().executablePath ?? '',
    };
    const webConfig = ['--config', join(REFERENCE_APP, 'web', 'e2e', 'playwright.config.ts')];
    for (const faults of [[], WEB_FAULTS]) {
      if (
        faults.length &&
        (await stack('up', '--port-base', E2E_PORT_BASE, '--build', 'e2e', '--faults', faults.join(','), '--quiet')) !== 0
      ) {
        return add(total, crashed('e2e', 'the stack could not be redeployed with the web faults'));
      }
      const json = join(REPO_ROOT, 'reports', 'playwright', `reference-web${faults.length ? '-faults' : ''}.json`);
      total = add(total, await playwright(webConfig, json, { ...webEnv, TAGTRUST_E2E_JSON: json }, 'e2e'));
    }
    return total;
  } finally {
    await stack('down', '--purge');
  }
}

const BIN = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

/** The guard rails: each check is one test; its output is shown only when it fails. */
export const STATIC_CHECKS: { name: string; command: string; args: string[] }[] = [
  { name: 'types: the harness (tsc --noEmit)', command: BIN('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
  {
    name: 'types: the reference web app (tsc --noEmit)',
    command: BIN('tsc'),
    args: ['--noEmit', '-p', join('reference-app', 'web', 'tsconfig.json')],
  },
  { name: 'lint: ESLint', command: BIN('eslint'), args: ['.'] },
  {
    name: 'layers: no upward import, no cycle (dependency-cruiser)',
    command: BIN('depcruise'),
    args: [
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'err',
      ...['config', 'lib', 'seed', 'gate', 'reporters', 'pipeline', 'stack', 'fixtures', 'tests', 'scripts', 'testing', 'selftest'],
      'playwright.config.ts',
    ],
  },
  { name: 'format: prettier --check', command: BIN('prettier'), args: ['--check', '.'] },
];

function capture(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', (e) => resolve({ code: 127, output: `could not start ${command}: ${e.message}` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

async function staticChecks(): Promise<Counts> {
  const results = await Promise.all(STATIC_CHECKS.map(async (c) => ({ ...c, ...(await capture(c.command, c.args)) })));
  for (const r of results) {
    console.log(`${r.code === 0 ? '✔' : '✖'} ${r.name}`);
    if (r.code !== 0)
      console.log(
        r.output
          .trim()
          .split('\n')
          .slice(-40)
          .map((l) => `    ${l}`)
          .join('\n'),
      );
  }
  const failed = results.filter((r) => r.code !== 0).length;
  return { passed: results.length - failed, failed, skipped: 0 };
}

/**
 * Self-test files run at once: TOLLGATE_SELFTEST_CONCURRENCY, else 2 (on 2 cores; a file mostly
 * waits on Playwright workers, Chromium and the stack, about 1.4 cores busy on average).
 */
export function selftestConcurrency(env: NodeJS.ProcessEnv): number {
  const n = Number(env.TOLLGATE_SELFTEST_CONCURRENCY);
  return Number.isInteger(n) && n >= 1 && n <= 8 ? n : 2;
}

/**
 * Seconds each self-test file took, two at a time (the 2-core VM, 2026-12-03). The longest start
 * first, so no long file starts last and runs alone at the end.
 */
const SELFTEST_SECONDS: Record<string, number> = {
  'release-train.test.ts': 135,
  'run.test.ts': 111,
  'suites.test.ts': 99,
  'shard.test.ts': 82,
  'scale-out.test.ts': 68,
  'infrastructure.test.ts': 48,
  'steps.test.ts': 48,
  'envs.test.ts': 43,
  'changes.test.ts': 30,
  'allure.test.ts': 30,
  'secrets.test.ts': 30,
  'seed.test.ts': 30,
  'slack-app.test.ts': 15,
  'stack.test.ts': 10,
  'store.test.ts': 10,
  'private-checkout.test.ts': 5,
};

/** Longest first (by SELFTEST_SECONDS); files not listed after them, by name. */
export function slowestFirst(files: string[], seconds: Record<string, number> = SELFTEST_SECONDS): string[] {
  const weight = (f: string) => seconds[basename(f)] ?? 0;
  return [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
}

const groups: Group[] = [
  { name: 'static', run: staticChecks },
  {
    name: 'app',
    run: async () => {
      const xml = join(REPORTS, 'app.junit.xml');
      rmSync(xml, { force: true });
      const code = await exec(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', `--junitxml=${xml}`, 'api/tests'], {
        cwd: REFERENCE_APP,
      });
      const counts = existsSync(xml) ? countsFromJunit(readFileSync(xml, 'utf8')) : undefined;
      if (!counts) return crashed('app', `pytest exited ${code} without a report`);
      return code !== 0 && counts.failed === 0 ? { ...counts, failed: 1 } : counts;
    },
  },
  {
    name: 'unit',
    run: () =>
      nodeTests(
        'unit',
        findFiles(REPO_ROOT, /\.test\.ts$/, new Set(['node_modules', 'reference-app', 'selftest', 'reports', 'test-results'])),
      ),
  },
  {
    name: 'selftest',
    run: async () => {
      // Each self-test file has its own ports, stack and workspace, so files run side by side; the
      // web bundle they all deploy is built once first, not by two stacks at the same time.
      await ensureWebBuild();
      const concurrency = selftestConcurrency(process.env);
      console.log(`self-test files ${concurrency} at a time (TOLLGATE_SELFTEST_CONCURRENCY)`);
      return nodeTestFiles('selftest', slowestFirst(findFiles(join(REPO_ROOT, 'selftest'), /\.test\.ts$/, new Set())), concurrency);
    },
  },
  { name: 'e2e', run: e2e },
];

async function main(): Promise<number> {
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex > 0 ? new Set(process.argv[onlyIndex + 1]?.split(',')) : undefined;
  const selected = groups.filter((g) => !only || only.has(g.name));
  if (!selected.length) {
    console.error(`--only: no such group. Groups: ${groups.map((g) => g.name).join(', ')}`);
    return 64;
  }
  mkdirSync(REPORTS, { recursive: true });
  const results: { name: string; counts: Counts; seconds: number }[] = [];
  for (const group of selected) {
    console.log(`\n=== ${group.name} ===`);
    const t0 = performance.now();
    let counts: Counts;
    try {
      counts = await group.run();
    } catch (e) {
      counts = crashed(group.name, (e as Error).stack ?? String(e));
    }
    results.push({ name: group.name, counts, seconds: (performance.now() - t0) / 1000 });
  }
  console.log('\n=== summary ===');
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(9)} ${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped  (${r.seconds.toFixed(1)} s)`,
    );
  }
  const total = results.reduce(
    (t, r) => ({ passed: t.passed + r.counts.passed, failed: t.failed + r.counts.failed, skipped: t.skipped + r.counts.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed > 0 || total.passed === 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
