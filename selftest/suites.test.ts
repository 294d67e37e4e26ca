/**
 * The suites tell the truth: against deployments with fault switches on (reference-app/
 * FAULTS.md) the tests that cover the broken behaviour fail, with a message that names it;
 * and a READ_ONLY environment never starts a test that writes. (The healthy run, where every
 * test passes, is the e2e group of `npm test`.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { escapeRegExp } from '../lib/text.ts';
import type { StackState } from '../stack/state.ts';
import type { Manifest } from '../seed/manifest.ts';
import { tollgate, workspace } from './helpers.ts';
import { runPlaywright, type TestOutcome } from './playwright-run.ts';

const BASE = Number(process.env.TOLLGATE_SUITES_SELFTEST_PORT_BASE ?? 19000);
const SUITES = ['--project', 'verify', '--project', 'smoke-api', '--project', 'smoke-web'];

/** [fault, project, test title (substring), what the failure message must say] */
type Expectation = [fault: string, project: string, title: string, message: RegExp];

const DEPLOYMENTS: Expectation[][] = [
  [
    ['wrong_build', 'verify', 'web and API report the same build', /the API reports build suites-stale, the web suites/],
    ['security_headers_missing', 'verify', 'send the security headers', /API \/version \(200\) content-security-policy/],
    [
      'revoked_reads_genuine',
      'smoke-api',
      'verify tells a genuine, a revoked and an unknown tag apart',
      /verify of revoked tag TT-[\w-]+[\s\S]*Expected: "revoked"[\s\S]*Received: "genuine"/,
    ],
    [
      'dashboard_counts_zero',
      'smoke-web',
      'the dashboard shows the counts the API has',
      /tags: the dashboard shows 0, the API counted \d+/,
    ],
    ['signout_broken', 'smoke-web', 'signing out ends the session', /after signing out, the session is gone/],
    [
      'status_labels_swapped',
      'smoke-web',
      'status badge reading as stored',
      /the status badge of revoked tag TT-[\w-]+[\s\S]*Expected: "revoked"[\s\S]*Received: "active"/,
    ],
    [
      'verify_button_missing',
      'smoke-web',
      'the verify page tells genuine, revoked and unknown tags apart',
      /getByRole\('button', \{ name: 'Verify', exact: true \}\)/,
    ],
  ],
  [
    [
      'audit_open',
      'verify',
      'refuse unauthenticated calls with 401',
      /GET \/audit without a token[\s\S]*Expected: 401[\s\S]*Received: 200/,
    ],
    ['debug_errors', 'verify', 'parameters is refused cleanly, not crashed', /GET \/tags\?page=abc answered 500/],
    [
      'cors_any_origin',
      'verify',
      'CORS does not let an arbitrary origin',
      /GET \/version allows https:\/\/attacker\.example with credentials/,
    ],
    ['signout_keeps_token', 'verify', 'a token stops working after sign-out', /after sign-out the token still opens: GET \/tags 200/],
    ['token_expiry_ignored', 'verify', 'after its lifetime', /past its lifetime, the token still opens: GET \/tags 200/],
    [
      'stale_bundle',
      'smoke-web',
      'the app runs the build the API reports',
      /the web runs the code of build suites-previous, the API reports suites/,
    ],
    ['security_headers_weak', 'verify', 'send the security headers', /API \/version \(200\) x-frame-options is \\?"ALLOWALL\\?"/],
    [
      'link_button_missing',
      'smoke-web',
      'an operator links a tag to an asset',
      /getByRole\('button', \{ name: 'Link tag', exact: true \}\)/,
    ],
  ],
  [
    [
      'viewer_login_broken',
      'smoke-api',
      'a seeded viewer signs in',
      /login of tg_\w+\.viewer1@seed\.tagtrust\.test[\s\S]*Expected: 200[\s\S]*Received: 401/,
    ],
    ['login_any_password', 'verify', 'sign-in is refused for every role', /admin with a wrong password: answered 200 with a token/],
    [
      'cors_open_on_verify',
      'verify',
      'CORS does not let an arbitrary origin',
      /GET \/verify\/TT-0000-0000-0 allows https:\/\/attacker\.example/,
    ],
  ],
];

/**
 * Each faulty deployment runs only the tests that cover its faults, beside a few that no fault
 * touches (API and verify checks, no browser): the run still shows both; the whole suites pass on a
 * healthy stack in the e2e group.
 */
const UNTOUCHED = [
  'a seeded admin signs in',
  'a seeded operator signs in',
  'searching tags by part of a code',
  'an operator registers an asset',
  "the database's migrations are at the head",
  'a role without the right gets 403',
];
const focus = (expectations: Expectation[]) => [...new Set([...expectations.map((e) => e[2]), ...UNTOUCHED])].map(escapeRegExp).join('|');

const find = (outcomes: TestOutcome[], project: string, title: string) =>
  outcomes.find((o) => o.project === project && o.title.includes(title)) ?? assert.fail(`no test "${title}" in project ${project}`);

describe('the suites against faulty deployments', { concurrency: false }, () => {
  const { dir } = workspace('suites');
  const env = { TOLLGATE_STACK_DIR: join(dir, 'stack'), TOLLGATE_RUNS_DIR: join(dir, 'runs'), CI: '' };
  const deploy = async (faults: string[]) => {
    const r = await tollgate(
      [
        'stack',
        'up',
        '--port-base',
        String(BASE),
        '--build',
        'suites',
        '--quiet',
        ...(faults.length ? ['--faults', faults.join(',')] : []),
      ],
      env,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
  };

  before(() => deploy([]));
  after(async () => {
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const expectations of DEPLOYMENTS) {
    const faults = expectations.map((e) => e[0]);
    test(`with ${faults.join(', ')}: the covering tests fail and say why`, async () => {
      await deploy(faults);
      const { code, outcomes, output } = await runPlaywright([...SUITES, '--grep', focus(expectations)], {
        ...env,
        TOLLGATE_SEED_PROFILE: 'smoke',
      });
      assert.equal(code, 1, `playwright should fail:\n${output}`);
      for (const [fault, project, title, message] of expectations) {
        const o = find(outcomes, project, title);
        assert.equal(o.status, 'unexpected', `${fault}: "${title}" should fail`);
        assert.match(o.error, message, `${fault}: the failure of "${title}" should name the broken behaviour`);
      }
      const passed = outcomes.filter((o) => o.status === 'expected');
      assert.ok(passed.length >= 5, 'tests that the faults do not touch still pass');
      // The focus held: nothing but the covering and the untouched tests ran (setup aside).
      const ran = outcomes.filter((o) => SUITES.includes(o.project) && o.status !== 'skipped');
      for (const o of ran) assert.match(o.title, new RegExp(focus(expectations)), `${o.title} is not in the focus`);
    });
  }

  test('a deployment whose migrations did not run is one clear "not ready", and nothing else runs', async () => {
    await deploy(['pending_migration']);
    const { outcomes } = await runPlaywright(SUITES, { ...env, TOLLGATE_READY_TIMEOUT: '3' });
    const failed = outcomes.filter((o) => o.status === 'unexpected');
    assert.deepEqual(
      failed.map((o) => o.project),
      ['ready'],
    );
    assert.match(
      failed[0]!.error,
      /Environment not ready after 3 s: api http:\/\/127\.0\.0\.1:\d+\/readyz \(\d+ attempts, last error: HTTP 503: migrations not at head\)/,
    );
    const suites = outcomes.filter((o) => ['verify', 'smoke-api', 'smoke-web'].includes(o.project));
    assert.ok(suites.length > 10 && suites.every((o) => o.status === 'skipped'), 'the suites are skipped, not failed');
  });

  test('READ_ONLY: only tests that write nothing run, against canary records, and no data changes', async () => {
    await deploy([]);
    const seeded = await tollgate(['seed', '--profile', 'smoke'], env);
    assert.equal(seeded.code, 0, seeded.stderr);
    const runId = /run (tg_\w+)/.exec(seeded.stdout)![1]!;
    const m = JSON.parse(readFileSync(join(env.TOLLGATE_RUNS_DIR, runId, 'manifest.json'), 'utf8')) as Manifest;
    const state = JSON.parse(readFileSync(join(env.TOLLGATE_STACK_DIR, 'state.json'), 'utf8')) as StackState;
    const db = new pg.Client({ connectionString: state.databaseUrl });
    await db.connect();
    // Scans of canaries are recorded by the product as any customer's are; nothing else may change.
    const digest = async () =>
      (
        await db.query(
          `SELECT ${['users', 'assets', 'tags', 'tag_links', 'audit_log'].map((t) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM ${t} x) AS ${t}`).join(', ')}`,
        )
      ).rows[0];
    try {
      const before = await digest();
      const { outcomes, output } = await runPlaywright(SUITES, {
        ...env,
        TOLLGATE_ENV: 'prod',
        TOLLGATE_WEB_URL: state.urls.web,
        TOLLGATE_API_URL: state.urls.api,
        PROD_DATABASE_URL: state.databaseUrl,
        TOLLGATE_CANARY_GENUINE_CODE: m.tags.genuine[0]!.code,
        TOLLGATE_CANARY_REVOKED_CODE: m.tags.revoked[0]!.code,
        TOLLGATE_CANARY_UNKNOWN_CODE: m.tags.unknown[0]!,
      });
      assert.ok(outcomes.length > 0, output);
      const started = outcomes.filter((o) => o.tags.some((t) => t === 'writes' || t === 'seeded' || t === '@writes' || t === '@seeded'));
      assert.deepEqual(
        started.map((o) => o.title),
        [],
        'no @writes or @seeded test is even listed',
      );
      assert.deepEqual(
        outcomes.filter((o) => o.status === 'unexpected').map((o) => `${o.title}: ${o.error.split('\n')[0]}`),
        [],
      );
      for (const title of [
        'verify tells a genuine, a revoked and an unknown tag apart',
        'the verify page tells genuine, revoked and unknown tags apart',
        'web and API report the same build',
      ]) {
        assert.equal(outcomes.find((o) => o.title.includes(title))?.status, 'expected', `${title} runs read-only`);
      }
      assert.deepEqual(await digest(), before, 'no business data changed');
    } finally {
      await db.end();
    }
  });
});
