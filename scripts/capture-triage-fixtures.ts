/**
 * Re-capture gate/triage.fixtures.json: the error messages of real failing runs, which the
 * triage rules are tested against (no invented strings).
 *
 *   npx tsx scripts/capture-triage-fixtures.ts [--port-base 19400]
 *
 * It boots a throwaway reference stack (ports N..N+2, directory under /tmp), deploys fault
 * switches (reference-app/FAULTS.md) and breaks the environment, the data and the test code
 * one way at a time, runs the real suites with the real Playwright CLI, and records each failing
 * test with the category a human gives it (SCENARIOS below). It takes a few minutes, runs one
 * stack at a time and stops and purges it at the end. A failure nobody expected is printed and
 * not stored: look at it, then add it to its scenario.
 */

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { TriageCategory } from '../gate/types.ts';
import { newRunId } from '../config/ids.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { down } from '../stack/stack.ts';
import { up } from '../stack/up.ts';
import type { StackState } from '../stack/state.ts';
import { failuresOf, writeProbes, type Failure } from './capture-probes.ts';
import { TRIAGE_FIXTURES_FILE, type TriageFixture } from '../testing/triage-fixtures.ts';

const { values } = parseArgs({ options: { 'port-base': { type: 'string', default: '19400' } } });
const PORT_BASE = Number(values['port-base']);
const CLOSED_PORT = PORT_BASE + 19; // nothing listens there
const SILENT_PORT = PORT_BASE + 18; // accepts connections and never answers
const OUT = TRIAGE_FIXTURES_FILE;

const work = mkdtempSync(join(tmpdir(), 'tollgate-capture-'));
chmodSync(work, 0o755); // the postgres user must reach the stack's data directory
const STACK = { TOLLGATE_STACK_DIR: join(work, 'stack'), TOLLGATE_RUNS_DIR: join(work, 'runs'), CI: '' };
/** No stack recorded here: the target is only what TOLLGATE_WEB_URL names. */
const NO_STACK = { TOLLGATE_STACK_DIR: join(work, 'none'), TOLLGATE_RUNS_DIR: join(work, 'runs'), CI: '' };
// Automation specs live in a git-ignored folder inside the repository so that they resolve
// @playwright/test from its node_modules, as the real suites do.
const probeDir = join(REPO_ROOT, '.tollgate', `capture-${process.pid}`);

const stackEnv = { ...process.env, ...STACK };
const stackUp = async (faults: string[]): Promise<StackState> =>
  (await up({ build: 'capture', faults, portBase: PORT_BASE, env: stackEnv })).state;

/** [test title (regex over the title path), fault, category]; the first that matches decides. */
type Expect = [title: RegExp, fault: string, category: TriageCategory, options?: { stack?: boolean; note?: string }];

const captured: TriageFixture[] = [];
const unexpected: string[] = [];

async function scenario(name: string, expects: Expect[], run: () => Promise<Failure[]>): Promise<void> {
  const t0 = performance.now();
  const failures = await run();
  for (const f of failures) {
    const title = f.titlePath.join(' › ');
    const e = expects.find(([re]) => re.test(title));
    if (!e) {
      unexpected.push(`${name}: ${f.project} › ${title}\n    ${f.message.split('\n')[0]}`);
      continue;
    }
    captured.push({
      fault: e[1],
      test: `${f.project} › ${f.file.replace(/^tests\//, '')} › ${title}`,
      project: f.project,
      file: f.file,
      titlePath: f.titlePath,
      status: f.status,
      message: f.message,
      ...(e[3]?.stack ? { stack: f.stack.split('\n').slice(0, 8).join('\n') } : {}),
      expectedCategory: e[2],
      ...(e[3]?.note ? { note: e[3].note } : {}),
    });
  }
  console.log(`${name}: ${failures.length} failures in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

const SUITES = ['--project', 'verify', '--project', 'smoke-api', '--project', 'smoke-web'];
// File filters first: --project takes every name that follows it.
const DEPLOYMENT_SPEC = ['verify/deployment.spec.ts', '--project', 'verify', '--no-deps'];

async function main(): Promise<void> {
  // 1. Product and deployment faults the suites must catch.
  await stackUp(['revoked_reads_genuine', 'verify_button_missing', 'security_headers_missing', 'wrong_build']);
  await scenario(
    'faults',
    [
      [/report the same build/, 'wrong_build', 'deployment'],
      [/security headers/, 'security_headers_missing', 'product'],
      [/verify tells a genuine|verify then calls it revoked/, 'revoked_reads_genuine', 'product'],
      [/verify page/, 'verify_button_missing', 'product'],
    ],
    () => failuresOf(work, SUITES, { ...STACK, TOLLGATE_SEED_PROFILE: 'smoke' }),
  );
  // Again with other faults: revoked_reads_genuine a second time, on other seeded codes.
  await stackUp(['revoked_reads_genuine', 'viewer_login_broken', 'audit_open']);
  await scenario(
    'faults-2',
    [
      [/verify tells a genuine|verify then calls it revoked/, 'revoked_reads_genuine', 'product'],
      // These sign in as the viewer first.
      [/viewer signs in|sign in as viewer|role without the right|searching tags|malformed parameters/, 'viewer_login_broken', 'product'],
      [/refuse unauthenticated/, 'audit_open', 'product'],
    ],
    () => failuresOf(work, SUITES, { ...STACK, TOLLGATE_SEED_PROFILE: 'smoke' }),
  );
  await stackUp(['slow_tags_list']);
  await scenario('slow', [[/GET \/api\/tags/, 'slow_tags_list', 'product']], () =>
    failuresOf(work, ['regression/latency.spec.ts', '--project', 'regression'], {
      ...STACK,
      TOLLGATE_SEED_PROFILE: 'smoke',
      TOLLGATE_LATENCY_SAMPLES: '5',
    }),
  );

  // 2. Migrations not at head: readiness gives up (environment: nothing could be tested), and
  //    the deployment check, run on its own, names the missing migration (deployment).
  await stackUp(['pending_migration']);
  await scenario('not-ready', [[/environment is ready/, 'pending_migration', 'environment']], () =>
    failuresOf(work, ['--project', 'verify'], { ...STACK, TOLLGATE_READY_TIMEOUT: '3' }),
  );
  await scenario('pending-migration', [[/migrations are at the head/, 'pending_migration', 'deployment']], () =>
    failuresOf(work, DEPLOYMENT_SPEC, STACK),
  );

  // 3. A healthy deployment of another build than the pipeline expects.
  const state = await stackUp([]);
  await scenario('build-mismatch', [[/the expected one/, 'expected_build_mismatch', 'deployment']], () =>
    failuresOf(work, DEPLOYMENT_SPEC, { ...STACK, EXPECTED_BUILD: '3f2c1a9' }),
  );

  // 4. Test data: a seed that fails, a manifest that is missing, a manifest that is torn.
  await scenario('seed-profile', [[/seed this run/, 'seed_profile_unknown', 'test-data']], () =>
    failuresOf(work, ['--project', 'seed'], { ...STACK, TOLLGATE_SEED_PROFILE: 'smoek' }),
  );
  await scenario('manifest-missing', [[/./, 'manifest_missing', 'test-data']], () =>
    failuresOf(work, ['--project', 'smoke-api', '--no-deps'], { ...STACK, TOLLGATE_RUN_ID: newRunId() }),
  );
  const torn = newRunId();
  await failuresOf(work, ['--project', 'seed'], { ...STACK, TOLLGATE_RUN_ID: torn, TOLLGATE_SEED_PROFILE: 'smoke' });
  const manifest = join(STACK.TOLLGATE_RUNS_DIR, torn, 'manifest.json');
  const text = readFileSync(manifest, 'utf8');
  writeFileSync(manifest, text.slice(0, Math.floor(text.length / 2))); // as a full disk leaves it
  await scenario('manifest-truncated', [[/./, 'manifest_truncated', 'test-data', { stack: true }]], () =>
    failuresOf(work, ['--project', 'smoke-api', '--no-deps'], { ...STACK, TOLLGATE_RUN_ID: torn }),
  );

  // 5. Automation: test code that is wrong, against the healthy deployment.
  writeProbes(probeDir, CLOSED_PORT, state.urls.web);
  await scenario(
    'automation',
    [
      [/e-mail field/, 'strict_locator', 'automation'],
      [/every listed tag/, 'type_error', 'automation'],
      [/sign-in page loads/, 'web_down', 'environment'],
    ],
    () => failuresOf(work, ['--config', join(probeDir, 'playwright.config.ts')], {}, probeDir),
  );

  // 6. Deployment: a migration renamed a column the seed writes; the seed checks the schema first.
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  await db.query('ALTER TABLE tags RENAME COLUMN revoked_reason TO revocation_reason').finally(() => db.end());
  await scenario('schema-drift', [[/seed this run/, 'column_renamed', 'deployment']], () =>
    failuresOf(work, ['--project', 'seed', '--no-deps'], { ...STACK, TOLLGATE_SEED_PROFILE: 'smoke' }),
  );

  // 7. Environment: the API process is gone (nginx answers 502), a closed port, a name that
  //    does not resolve, a server that accepts and never answers.
  process.kill(state.pids.api, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 1_000));
  await scenario(
    'api-stopped',
    [
      [/role without the right|malformed parameters/, 'manifest_missing', 'test-data'], // --no-deps: nothing seeded
      [/./, 'api_stopped', 'environment'],
    ],
    () => failuresOf(work, ['--project', 'verify', '--no-deps'], STACK),
  );
  await scenario('api-stopped-ready', [[/environment is ready/, 'api_stopped', 'environment']], () =>
    failuresOf(work, ['--project', 'ready'], { ...STACK, TOLLGATE_READY_TIMEOUT: '3' }),
  );
  const closed = `http://127.0.0.1:${CLOSED_PORT}`;
  await scenario('connection-refused', [[/./, 'target_port_closed', 'environment']], () =>
    failuresOf(work, DEPLOYMENT_SPEC, { ...NO_STACK, TOLLGATE_WEB_URL: closed, TOLLGATE_API_URL: `${closed}/api` }),
  );
  await scenario('dns', [[/./, 'target_host_unknown', 'environment']], () =>
    failuresOf(work, DEPLOYMENT_SPEC, {
      ...NO_STACK,
      TOLLGATE_WEB_URL: 'http://tollgate-staging.invalid',
      TOLLGATE_API_URL: 'http://tollgate-staging.invalid/api',
    }),
  );
  const held: Socket[] = [];
  const silent = createServer((s) => held.push(s)).listen(SILENT_PORT, '127.0.0.1');
  try {
    const url = `http://127.0.0.1:${SILENT_PORT}`;
    await scenario(
      'no-answer',
      [
        [
          /migrations are at the head/,
          'target_silent',
          'product',
          {
            note: 'A bare "Test timeout of N ms exceeded." says nothing about its cause (here the API client was still waiting): triage cannot tell a silent target from a slow product, so it stays product.',
          },
        ],
        [/./, 'target_silent', 'environment'],
      ],
      () => failuresOf(work, DEPLOYMENT_SPEC, { ...NO_STACK, TOLLGATE_WEB_URL: url, TOLLGATE_API_URL: `${url}/api` }),
    );
  } finally {
    held.forEach((s) => s.destroy());
    silent.close();
  }
}

try {
  await main();
  writeFileSync(OUT, JSON.stringify(captured, null, 2) + '\n');
  console.log(`${captured.length} failures written to ${relative(REPO_ROOT, OUT)}`);
  if (unexpected.length) console.log(`not stored (no expectation matched):\n  ${unexpected.join('\n  ')}`);
} finally {
  rmSync(probeDir, { recursive: true, force: true });
  const stopped = await down({ env: stackEnv, purge: true });
  if (stopped.portsFree) rmSync(work, { recursive: true, force: true });
  else console.error(`the stack stopped, but a port from ${PORT_BASE} to ${PORT_BASE + 2} is still taken; ${work} was kept`);
}
