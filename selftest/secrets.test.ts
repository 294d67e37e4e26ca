/**
 * Secrets never published, end to end: the gate runs with known secret values (admin
 * password, database password, results-store URL, Slack webhook, the seed users' passwords)
 * against a failing stack, posts to a fake Slack, and then every artifact it produced —
 * reports, normalized and Allure results, the Allure report, unzipped traces, the Slack
 * payloads (saved and received), the results store's rows, its console output — is searched
 * for those values: zero occurrences. The same run checks that triage names the faults'
 * categories (product for the product faults, deployment for the wrong build).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Manifest } from '../seed/manifest.ts';
import { REPO_ROOT } from '../config/paths.ts';
import type { StackState } from '../stack/state.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';
import { stackState, texts, tollgate, workspace, type Run } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_SECRETS_SELFTEST_PORT_BASE ?? 19800);
const ADMIN_PASSWORD = 'Adm1n-Selftest-Secret!42';

describe('secrets never published', { concurrency: false }, () => {
  const { dir, env: isolated } = workspace('secrets');
  const stackEnv: NodeJS.ProcessEnv = { ...isolated, ADMIN_PASSWORD };
  let slack: FakeSlack;
  let state: StackState;
  let run: Run & { runId: string };
  let storeRows: string;

  before(async () => {
    const up = await tollgate(
      [
        'stack',
        'up',
        '--port-base',
        String(BASE),
        '--build',
        'secrets-deployed',
        '--faults',
        'revoked_reads_genuine,verify_button_missing',
        '--quiet',
      ],
      stackEnv,
    );
    assert.equal(up.code, 0, up.stdout + up.stderr);
    state = stackState(stackEnv);
    slack = await startFakeSlack();
    const env = {
      ...stackEnv,
      // The results store in the stack's own Postgres: its URL carries the database password.
      RESULTS_DATABASE_URL: state.databaseUrl,
      SLACK_WEBHOOK_URL: `${slack.webhookUrl.replace(/\/$/, '')}/T0SELFTEST/B0SELFTEST/xoxSelftestWebhookSecret`,
      TOLLGATE_SLACK_NOTIFY: 'always',
    };
    // Focused on the tests that fail here (their traces are kept) and those that type passwords.
    const grep = 'report the same build|verify tells a genuine|revokes a tag|the verify page tells|signs in';
    const r = await tollgate(
      ['run', '--env', 'local', '--suite', 'smoke', '--build', 'secrets-expected', '--keep-data', '--grep', grep],
      env,
      300_000,
    );
    const runId = /tollgate run (tg_\d{14}_[a-z0-9]{6})/.exec(r.stdout)?.[1] ?? assert.fail(r.stdout + r.stderr);
    run = { ...r, runId };
    const db = new pg.Client({ connectionString: state.databaseUrl });
    await db.connect();
    try {
      const rows = await db.query(
        `SELECT (SELECT json_agg(r)::text FROM tollgate.runs r WHERE run_id = $1) || (SELECT json_agg(t)::text FROM tollgate.test_results t WHERE run_id = $1) AS all`,
        [runId],
      );
      storeRows = rows.rows[0].all ?? '';
    } finally {
      await db.end();
    }
    // --keep-data left the rows for this test to find the seed users; clean them now.
    await tollgate(['seed', 'clean', '--env', 'local', '--run', runId], stackEnv);
  });
  after(async () => {
    await slack?.close();
    await tollgate(['stack', 'down', '--purge'], stackEnv);
    if (run?.runId) rmSync(join(REPO_ROOT, 'reports', run.runId), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  test('the run blocks and triage names the faults: product for the product faults, deployment for the wrong build', () => {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const report = JSON.parse(readFileSync(join(REPO_ROOT, 'reports', run.runId, 'report.json'), 'utf8'));
    const categories = new Set((report.groups as { category: string }[]).map((g) => g.category));
    assert.ok(
      categories.has('product'),
      JSON.stringify(report.groups.map((g: { category: string; signature: string }) => [g.category, g.signature])),
    );
    assert.ok(categories.has('deployment'));
    const tests = (report.groups as { category: string; tests: string[] }[]).flatMap((g) => g.tests.map((t) => [g.category, t]));
    assert.ok(
      tests.some(([c, t]) => c === 'product' && /verify tells a genuine, a revoked and an unknown tag apart/.test(t!)),
      'revoked_reads_genuine → product',
    );
    assert.ok(
      tests.some(([c, t]) => c === 'product' && t!.startsWith('smoke-web') && /verify page/.test(t!)),
      'verify_button_missing → product',
    );
    assert.ok(
      tests.some(([c, t]) => c === 'deployment' && /report the same build/.test(t!)),
      'wrong build → deployment',
    );
  });

  test("Slack got the early BLOCK warning, then the run's message, each within its limits; both payloads were saved beside the reports", () => {
    const posts = slack.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 2, JSON.stringify(posts.map((p) => p.path)));
    assert.match(posts[0]!.json.text, /BLOCK certain/);
    assert.match(posts[1]!.json.blocks[0].text.text, /BLOCK/);
    assert.doesNotMatch(posts[1]!.json.text, /BLOCK certain/);
    for (const f of ['slack-early.json', 'slack.json']) assert.ok(existsSync(join(REPO_ROOT, 'reports', run.runId, f)), f);
  });

  test('no artifact, log, payload or store row contains any secret value', () => {
    const manifest = JSON.parse(readFileSync(join(stackEnv.TOLLGATE_RUNS_DIR!, run.runId, 'manifest.json'), 'utf8')) as Manifest;
    const dbPassword = decodeURIComponent(new URL(state.databaseUrl).password);
    const secrets = new Map<string, string>([
      ['admin password', ADMIN_PASSWORD],
      ['database password', dbPassword],
      ['Slack webhook secret', 'xoxSelftestWebhookSecret'],
      ...Object.values(manifest.users)
        .flat()
        .map((u, i) => [`seed user ${i} password`, u.password] as [string, string]),
    ]);
    assert.ok(dbPassword.length >= 8 && secrets.size >= 5);
    const sources: [string, string][] = [
      ['stdout', run.stdout],
      ['stderr', run.stderr],
      ['store rows', storeRows],
      ...slack.requests.map((r, i): [string, string] => [`slack request ${i}`, JSON.stringify(r.headers) + r.body]),
      ...texts(join(REPO_ROOT, 'reports', run.runId)),
    ];
    assert.ok(
      sources.some(([name]) => name.includes('trace.zip!')),
      'the run kept traces, and they were searched',
    );
    assert.ok(
      sources.some(([name]) => name.includes('allure-report/')),
      'the Allure report was searched',
    );
    assert.ok(
      sources.some(([name]) => name.includes('allure-report.html#')),
      "the single-file Allure report's embedded files were decoded and searched",
    );
    const found: string[] = [];
    let masked = 0;
    for (const [name, text] of sources) {
      masked += text.split('[REDACTED]').length - 1;
      for (const [what, value] of secrets) {
        for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) {
          if (text.includes(form)) found.push(`${what} in ${name.replace(REPO_ROOT, '.')}`);
        }
      }
      // Tokens the API issued are unknown values: masked by field name and Bearer pattern.
      if (/Bearer (?!\[REDACTED\])[A-Za-z0-9._~+/-]{20,}/.test(text)) found.push(`a bearer token in ${name.replace(REPO_ROOT, '.')}`);
    }
    assert.deepEqual([...new Set(found)], []);
    assert.ok(masked > 0, 'the redactor had something to mask (the run did carry secrets)');
  });
});
