import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exitCodeOf, main, MAX_SHARDS, meaning, missingVariables, parseExitCode, shardMatrix, summaryText } from './gate-step.ts';

const dir = mkdtempSync(join(tmpdir(), 'gate-step-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SCRIPT = fileURLToPath(new URL('./gate-step.ts', import.meta.url));

/** The real CLI, as the workflow runs it (tsx, a fresh process). */
function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('exit codes: a signal counts as 128 + its number, like a shell', () => {
  assert.equal(exitCodeOf(2, null), 2);
  assert.equal(exitCodeOf(null, 'SIGTERM'), 143);
  assert.equal(exitCodeOf(null, 'SIGKILL'), 137);
});

test('parseExitCode accepts 0..255 and nothing else', () => {
  assert.equal(parseExitCode('0'), 0);
  assert.equal(parseExitCode(' 2\n'), 2);
  assert.equal(parseExitCode('255'), 255);
  for (const bad of [undefined, '', '256', '-1', '1.5', 'BLOCK', '1; rm -rf /']) assert.equal(parseExitCode(bad), undefined, String(bad));
});

test('each gate exit code is named in the log', () => {
  assert.equal(meaning(0), 'PROMOTE or WARN');
  assert.equal(meaning(1), 'BLOCK');
  assert.equal(meaning(2), 'INCONCLUSIVE');
  assert.equal(meaning(78), 'bad configuration');
  assert.match(meaning(137), /error/);
});

test("the summary is the report's Markdown, or says why there is none", () => {
  const file = join(dir, 'summary.md');
  writeFileSync(file, '## BLOCK — build abc\n\n- 2 product failures\n\n\n');
  assert.equal(summaryText(file, 1), '## BLOCK — build abc\n\n- 2 product failures\n');
  const none = summaryText(join(dir, 'missing.md'), 78);
  assert.match(none, /No promotion report/);
  assert.match(none, /exit code 78, bad configuration/);
  assert.match(summaryText(join(dir, 'missing.md'), undefined), /no exit code was recorded/);
});

test('missingVariables treats an empty secret as missing', () => {
  assert.deepEqual(missingVariables(['A', 'B', 'C'], { A: 'postgresql://x', B: '', C: '  ' }), ['B', 'C']);
  assert.deepEqual(missingVariables(['A'], { A: 'x' }), []);
});

test('record runs the command, writes its exit code as a step output and exits 0', () => {
  const output = join(dir, 'record-output');
  writeFileSync(output, 'earlier=1\n');
  const r = cli(['record', '--', process.execPath, '-e', 'console.log("gate ran"); process.exit(2)'], { GITHUB_OUTPUT: output });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gate ran/);
  assert.match(r.stdout, /exited 2 \(INCONCLUSIVE\)/);
  assert.equal(readFileSync(output, 'utf8'), 'earlier=1\nexit-code=2\n');
});

test('record keeps the arguments apart (spaces and shell characters reach the command as they are)', () => {
  const output = join(dir, 'args-output');
  writeFileSync(output, '');
  const r = cli(['record', '--', process.execPath, '-e', 'process.exit(process.argv[1] === "a b; $(x)" ? 0 : 9)', 'a b; $(x)'], {
    GITHUB_OUTPUT: output,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(output, 'utf8'), 'exit-code=0\n');
});

test('record of a command that cannot start records 127', async () => {
  const output = join(dir, 'missing-output');
  writeFileSync(output, '');
  assert.equal(await main(['record', '--', join(dir, 'no-such-program')], { GITHUB_OUTPUT: output }), 0);
  assert.equal(readFileSync(output, 'utf8'), 'exit-code=127\n');
});

test('record outside GitHub Actions fails instead of losing the code', async () => {
  await assert.rejects(main(['record', '--', 'true'], {}), /GITHUB_OUTPUT is not set/);
});

test('exit re-raises the recorded code, and fails when none was recorded', () => {
  assert.equal(cli(['exit'], { GATE_EXIT_CODE: '0' }).code, 0);
  const blocked = cli(['exit'], { GATE_EXIT_CODE: '1' });
  assert.equal(blocked.code, 1);
  assert.match(blocked.stderr, /::error title=Tollgate::the gate exited 1: BLOCK/);
  assert.equal(cli(['exit'], { GATE_EXIT_CODE: '2' }).code, 2);
  const none = cli(['exit'], { GATE_EXIT_CODE: '' });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /recorded no exit code/);
});

test('summary appends to the job summary file', async () => {
  const stepSummary = join(dir, 'step-summary');
  const report = join(dir, 'report.md');
  writeFileSync(stepSummary, '# earlier step\n');
  writeFileSync(report, '## PROMOTE\n');
  assert.equal(await main(['summary', report], { GITHUB_STEP_SUMMARY: stepSummary }), 0);
  assert.equal(readFileSync(stepSummary, 'utf8'), '# earlier step\n## PROMOTE\n');
});

test('require-env names each missing variable and fails', () => {
  const r = cli(['require-env', 'RESULTS_DATABASE_URL', 'OTHER'], { RESULTS_DATABASE_URL: '', OTHER: 'set' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /::error title=Tollgate::RESULTS_DATABASE_URL is not set/);
  assert.doesNotMatch(r.stderr, /OTHER/);
  assert.equal(cli(['require-env', 'OTHER'], { OTHER: 'set' }).code, 0);
});

test('bad usage exits 64', async () => {
  assert.equal(await main([], {}), 64);
  assert.equal(await main(['nope'], {}), 64);
  assert.equal(await main(['record', '--'], { GITHUB_OUTPUT: join(dir, 'x') }), 64);
  assert.equal(await main(['require-env'], {}), 64);
});

test("matrix: N shards as the jobs' matrix, written as a step output; anything but 1..8 is refused", () => {
  assert.deepEqual(shardMatrix('2'), [1, 2]);
  assert.deepEqual(shardMatrix(' 1 '), [1]);
  assert.deepEqual(
    shardMatrix(String(MAX_SHARDS)),
    Array.from({ length: MAX_SHARDS }, (_, i) => i + 1),
  );
  for (const bad of [undefined, '', '0', '9', '1.5', '-2', 'two', '2; rm -rf /'])
    assert.match(String(shardMatrix(bad)), /whole number from 1 to 8/, String(bad));
  const output = join(dir, 'matrix-output');
  writeFileSync(output, 'earlier=1\n');
  const ok = cli(['matrix', '3'], { GITHUB_OUTPUT: output });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(readFileSync(output, 'utf8'), 'earlier=1\nshards=[1,2,3]\n');
  const bad = cli(['matrix', '12'], { GITHUB_OUTPUT: output });
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /::error title=Tollgate::shards must be a whole number from 1 to 8, not "12"/);
  assert.equal(readFileSync(output, 'utf8'), 'earlier=1\nshards=[1,2,3]\n', 'nothing written for a bad N');
});
