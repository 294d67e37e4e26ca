/**
 * Sharded runs against a real local stack: the same suites unsharded (`tollgate run`) and as 2
 * shards in separate processes (`npm run pipeline:local`: prepare, two `run --plan --shard`
 * processes that each open the manifest sealed in the plan, merge) give the same verdict,
 * counts and test ids; seeding and cleanup happen once; a shard that never reports (or none
 * does) makes the run INCONCLUSIVE and its data is still cleaned up; a differential plan
 * carries what it skips; with a fault the shards' parts hold no secret and the merge BLOCKs;
 * bad input gets one message and its code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type pg from 'pg';
import type { RunRecord } from '../gate/types.ts';
import type { RunPlan } from '../pipeline/plan.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { noStackTrace, runRows, stackDatabase, stackState, texts, tollgate, workspace, type Run } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_SHARD_SELFTEST_PORT_BASE ?? 20000);
const BUILD = 'shard-good';
// Focused runs (--grep): a few tests of every lane show the split, the merge and the balance as well as the whole suite.
const FOCUS = 'report the same build|verify tells a genuine|searching tags|the verify page tells|the dashboard shows';

interface Report {
  verdict: string;
  counts: RunRecord['counts'];
  bySuite: Record<string, RunRecord['counts']>;
  steps: { name: string; status: string }[];
  reasons: { rule: string; message: string }[];
}

describe('sharded runs', { concurrency: false }, () => {
  const { dir, env } = workspace('shard');
  const runIds: string[] = [];
  let db: pg.Client;

  const runIdOf = (out: string) => {
    const id = /tollgate (?:run|prepare) (tg_\d{14}_[a-z0-9]{6})/.exec(out)?.[1];
    if (id) runIds.push(id);
    return id;
  };
  const reportOf = (runId: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'reports', runId, 'report.json'), 'utf8')) as Report;
  const resultsOf = (runId: string) =>
    JSON.parse(readFileSync(join(REPO_ROOT, 'reports', runId, 'results.json'), 'utf8')) as RunRecord['results'];
  const rowsOf = (runId: string) => runRows(db, runId);
  const pipeline = (args: string[]) =>
    new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'pipeline-local.ts'), ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });

  before(async () => {
    const r = await tollgate(['stack', 'up', '--port-base', String(BASE), '--build', BUILD, '--quiet'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    ({ db } = await stackDatabase(env));
  });
  after(async () => {
    await db?.end();
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
    for (const id of runIds) rmSync(join(REPO_ROOT, 'reports', id), { recursive: true, force: true });
  });

  test('unsharded and 2 shards in separate processes agree: verdict, counts, test ids; seeded once, cleaned once', async () => {
    const single = await tollgate(['run', '--env', 'local', '--suite', 'smoke', '--build', BUILD, '--grep', FOCUS], env, 240_000);
    assert.equal(single.code, 0, single.stdout + single.stderr);
    const singleId = runIdOf(single.stdout)!;

    const piped = await pipeline(['--shards', '2', '--suite', 'smoke', '--build', BUILD, '--port-base', String(BASE), '--grep', FOCUS]);
    assert.equal(piped.code, 0, piped.stdout + piped.stderr);
    const shardedId = runIdOf(piped.stdout)!;
    assert.ok(shardedId && shardedId !== singleId);
    const last = piped.stdout.trimEnd().split('\n').pop()!;
    const m = /^pipeline: (PROMOTE|WARN|BLOCK|INCONCLUSIVE), (\d+) shards, (\d+) tests, (\d+\.\d) s$/.exec(last);
    assert.ok(m, `last line: ${last}`);

    const [a, b] = [reportOf(singleId), reportOf(shardedId)];
    assert.equal(b.verdict, 'PROMOTE');
    assert.equal(b.verdict, a.verdict);
    assert.deepEqual(b.counts, a.counts);
    assert.deepEqual(b.bySuite, a.bySuite);
    assert.deepEqual([m[1], Number(m[2]), Number(m[3])], [b.verdict, 2, b.counts.total], 'the last line tells the merged run');
    const ids = (runId: string) =>
      resultsOf(runId)
        .map((r) => r.id)
        .sort();
    assert.ok(ids(singleId).length >= 8, 'setup and the focused tests of every lane');
    assert.deepEqual(ids(shardedId), ids(singleId), 'the same tests, each once');

    // Each shard ran its own part of the tests (setup tests run in both), and each wrote one.
    const shards = join(REPO_ROOT, 'reports', shardedId, 'shards');
    assert.deepEqual(readdirSync(shards).sort(), ['1-of-2', '2-of-2']);
    const partIds = ['1-of-2', '2-of-2'].map((p) =>
      (JSON.parse(readFileSync(join(shards, p, 'results.json'), 'utf8')) as { results: RunRecord['results'] }).results
        .filter((r) => r.suite !== 'setup')
        .map((r) => r.id),
    );
    assert.ok(
      partIds.every((p) => p.length > 0),
      'both shards ran tests',
    );
    assert.equal(partIds[0]!.filter((id) => partIds[1]!.includes(id)).length, 0, 'no test ran in both shards');

    // Balanced by the durations the unsharded run recorded: each shard ran exactly its list.
    const lists = (JSON.parse(readFileSync(join(REPO_ROOT, 'reports', shardedId, 'plan.json'), 'utf8')) as RunPlan).shardLists;
    assert.ok(lists, `prepare balanced the shards on history:\n${piped.stdout}`);
    const ran = resultsOf(singleId).filter((r) => r.suite !== 'setup' && r.status !== 'skipped');
    assert.equal(lists.known, ran.length, 'every test the unsharded run ran is known from history');
    assert.deepEqual(
      partIds.map((p) => [...p].sort()),
      lists.tests.map((l) => [...l].sort()),
      "each shard ran exactly its plan's list",
    );
    assert.match(
      piped.stdout,
      /\[prepare\] {3}shards: 2 × 2 workers balanced by measured time \(\d+ of \d+ tests known from 1 run; planned/,
    );
    assert.match(piped.stdout, /^pipeline: shard 1\/2 +planned +\d+\.\d s of tests, measured +\d+\.\d s$/m);
    assert.match(piped.stdout, /^balance: max\/mean \d\.\d\d$/m);
    assert.match(piped.stdout, /^projection: on 2 runners \d+\.\d s \(prepare \+ slowest shard \+ merge\); on 1 runner \d+\.\d s/m);
    assert.ok(existsSync(join(shards, '1-of-2', 'blob-report')), 'blob report for merge-reports');
    assert.ok(existsSync(join(REPO_ROOT, 'reports', shardedId, 'playwright-report', 'index.html')), 'merged Playwright report');
    const html = readFileSync(join(REPO_ROOT, 'reports', shardedId, 'index.html'), 'utf8');
    assert.match(html, />[^<]*2 shards/, 'the promotion report says the run was sharded');
    assert.doesNotMatch(html, /shard 2 shards/);
    const junit = readFileSync(join(REPO_ROOT, 'reports', shardedId, 'junit.xml'), 'utf8');
    assert.equal(junit.match(/<testcase /g)?.length, b.counts.total, 'JUnit after merging: one testcase per test');

    // Seeded once (by prepare), cleaned once (by merge); the shards did neither.
    assert.equal(piped.stdout.match(/✓ seed /g)?.length, 2, 'prepare seeds; merge repeats its step line');
    assert.match(piped.stdout, /\[prepare\] {3}✓ seed /);
    assert.doesNotMatch(piped.stdout, /\[shard \d\/2\] .*(?:✓ seed|cleanup)/);
    assert.equal(b.steps.filter((s) => s.name === 'seed').length, 1);
    assert.equal(b.steps.filter((s) => s.name === 'cleanup' && s.status === 'ok').length, 1);
    assert.equal(await rowsOf(shardedId), 0, "the merge cleaned the run's data");

    // The plan travels between machines: it carries the manifest sealed, never a password in clear.
    const plan = readFileSync(join(shards, '1-of-2', 'plan.json'), 'utf8');
    assert.match(plan, /"sealedManifest": "[A-Za-z0-9+/=]{100,}"/);
    const manifest = JSON.parse(readFileSync(join(env.TOLLGATE_RUNS_DIR!, shardedId, 'manifest.json'), 'utf8')) as {
      users: Record<string, { email: string; password: string }[]>;
    };
    const users = Object.values(manifest.users).flat();
    assert.ok(users.length >= 3);
    for (const u of users) assert.ok(!plan.includes(u.password) && !plan.includes(u.email), 'no user of the run in clear');
  });

  test("a shard that never reports: INCONCLUSIVE, and the run's data is still cleaned up", async () => {
    // A results store with no history: nothing to balance on, so Playwright splits by count.
    const noHistory = { ...env, TOLLGATE_RESULTS_DIR: join(dir, 'empty-results') };
    const prepared = await tollgate(
      ['prepare', '--env', 'local', '--suite', 'smoke', '--build', BUILD, '--shards', '2', '--grep', FOCUS],
      noHistory,
    );
    assert.equal(prepared.code, 0, prepared.stdout + prepared.stderr);
    assert.match(prepared.stdout, /note: Shards split by count \(Playwright --shard\): no run of local has durations yet\./);
    const runId = runIdOf(prepared.stdout)!;
    const plan = join('reports', runId, 'plan.json');
    assert.equal((JSON.parse(readFileSync(join(REPO_ROOT, plan), 'utf8')) as RunPlan).shardLists, undefined);
    assert.ok((await rowsOf(runId)) > 0, 'prepare seeded');
    const one = await tollgate(['run', '--plan', plan, '--shard', '1/2'], env, 240_000);
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.match(one.stdout, /part 1\/2 of tg_\w+ written to reports\/tg_\w+\/shards\/1-of-2/);
    assert.ok((await rowsOf(runId)) > 0, 'a shard does not clean up');

    const merged = await tollgate(['merge', join('reports', runId, 'shards')], env, 240_000);
    assert.equal(merged.code, 2, merged.stdout + merged.stderr);
    assert.match(merged.stdout, /\? INCONCLUSIVE/);
    assert.match(
      reportOf(runId)
        .reasons.map((r) => r.message)
        .join('\n'),
      /shard\(s\) 2\/2 did not report/,
    );
    assert.equal(await rowsOf(runId), 0, 'cleaned up all the same');
  });

  test('bad input: one message, its exit code, no stack trace', async () => {
    const cases: [string[], number, RegExp][] = [
      [['run', '--env', 'local', '--shard', '1/2'], 64, /--shard needs a prepared run[\s\S]*tollgate prepare --env/],
      [['run', '--plan', join(dir, 'nope.json'), '--shard', '1/2'], 64, /No run plan at .*nope\.json/],
      [['run', '--plan', join(dir, 'nope.json'), '--suite', 'smoke'], 64, /--suite cannot be given to a shard: the plan fixed them/],
      [['merge', join(dir, 'no-such-dir')], 64, /no-such-dir is not a directory/],
      [['merge', dir], 64, /No shard's part \(part\.json\) under/],
      [['prepare'], 64, /--env is required/],
      [['prepare', '--env', 'local', '--shards', '0'], 64, /--shards must be a whole number ≥ 1/],
    ];
    // Independent refusals: run at once, checked one by one.
    const outcomes = await Promise.all(cases.map(([args]) => tollgate(args, env)));
    for (const [i, [args, code, message]] of cases.entries()) {
      const r = outcomes[i]!;
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      noStackTrace(r);
    }
  });

  test('a differential plan carries its skipped specs; a merge with no part at all records INCONCLUSIVE, says what was skipped and cleans up', async () => {
    const prepared = await tollgate(
      ['prepare', '--env', 'local', '--suite', 'smoke,regression', '--components', 'api', '--build', BUILD],
      env,
    );
    assert.equal(prepared.code, 0, prepared.stdout + prepared.stderr);
    const runId = runIdOf(prepared.stdout)!;
    const planFile = join(REPO_ROOT, 'reports', runId, 'plan.json');
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { projects: string[]; skippedSpecs: string[] };
    assert.ok(plan.projects.includes('regression'));
    // Only the API changed: the regression specs the change map gives to the web alone are skipped.
    const map = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'changes.json'), 'utf8')) as { regression: { web: string[] } };
    assert.ok(map.regression.web.length >= 3);
    assert.deepEqual(plan.skippedSpecs, [...map.regression.web].sort());
    assert.ok((await rowsOf(runId)) > 0);

    // The shards' artifacts never arrived: the folder is not even there.
    const merged = await tollgate(['merge', '--plan', planFile, join(dir, 'parts')], env);
    assert.equal(merged.code, 2, merged.stdout + merged.stderr);
    const report = reportOf(runId) as Report & { notes: string[] };
    assert.equal(report.verdict, 'INCONCLUSIVE');
    assert.match(report.reasons.map((r) => r.message).join('\n'), /no shard reported/);
    const skipped = `skipping web regression specs ${plan.skippedSpecs.map((f) => basename(f)).join(', ')}`;
    assert.ok(
      report.notes.some((n) => n.startsWith('differential: api-only change') && n.includes(skipped)),
      report.notes.join('\n'),
    );
    assert.ok(report.notes.some((n) => /No part in .*parts: not there/.test(n)));
    assert.equal(await rowsOf(runId), 0, 'cleaned up');
  });

  test("with a fault, the shards' parts hold no secret before the merge, and the merged verdict is BLOCK", async () => {
    const up = await tollgate(
      ['stack', 'up', '--port-base', String(BASE), '--build', 'shard-bad', '--faults', 'revoked_reads_genuine', '--quiet'],
      env,
    );
    assert.equal(up.code, 0, up.stdout + up.stderr);
    // The tests the fault fails (their traces are kept) and those that type passwords.
    const grep = 'verify tells a genuine|revokes a tag|the verify page tells|signs in';
    const prepared = await tollgate(['prepare', '--env', 'local', '--suite', 'smoke', '--build', 'shard-bad', '--grep', grep], env);
    assert.equal(prepared.code, 0, prepared.stdout + prepared.stderr);
    const runId = runIdOf(prepared.stdout)!;
    const plan = join('reports', runId, 'plan.json');
    // Shard 2 runs as on another machine: no manifest here, it opens the one sealed in the plan.
    const [one, two] = await Promise.all([
      tollgate(['run', '--plan', plan, '--shard', '1/2'], env, 240_000),
      tollgate(['run', '--plan', plan, '--shard', '2/2'], { ...env, TOLLGATE_RUNS_DIR: join(dir, 'runner-2') }, 240_000),
    ]);
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.equal(two.code, 0, two.stdout + two.stderr);
    assert.match(one.stdout + two.stdout, /✗ suites .* [1-9]\d* failed/, 'a shard with failures says so');
    assert.ok(!existsSync(join(dir, 'runner-2', runId)), 'the opened manifest does not stay on the runner');

    // What the shards would upload holds no secret: not the seeded users' passwords, the stack's
    // admin password or its database password — the failures' traces included.
    const manifest = JSON.parse(readFileSync(join(env.TOLLGATE_RUNS_DIR!, runId, 'manifest.json'), 'utf8')) as {
      users: Record<string, { password: string }[]>;
    };
    const { adminPassword } = JSON.parse(readFileSync(join(env.TOLLGATE_STACK_DIR!, 'secrets.json'), 'utf8')) as { adminPassword: string };
    const secrets = [
      ...Object.values(manifest.users)
        .flat()
        .map((u) => u.password),
      adminPassword,
      new URL(stackState(env).databaseUrl).password,
    ];
    assert.ok(secrets.every((x) => x.length >= 8));
    let traces = 0;
    const leaks: string[] = [];
    for (const [where, body] of texts(join(REPO_ROOT, 'reports', runId, 'shards'))) {
      if (where.endsWith('.trace')) traces++;
      for (const secret of secrets) if (body.includes(secret)) leaks.push(where);
    }
    assert.ok(traces > 0, 'the failures left traces to search');
    assert.deepEqual(leaks, []);

    const merged = await tollgate(['merge', join('reports', runId, 'shards')], env, 240_000);
    assert.equal(merged.code, 1, merged.stdout + merged.stderr);
    assert.match(merged.stdout, /✗ BLOCK {2}local · build shard-bad/);
    const failures = resultsOf(runId).filter((r) => r.status === 'failed');
    assert.ok(
      failures.some((r) => r.project === 'smoke-api') && failures.some((r) => r.project === 'smoke-web'),
      'failures of both lanes reach the verdict',
    );
    assert.equal(await rowsOf(runId), 0);
  });
});
