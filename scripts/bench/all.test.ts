import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCHES, summary } from './all.ts';

const bench = (name: string) => BENCHES.find((b) => b.name === name)!;

test("each bench's summary line is read into its figure and whether the target was met", () => {
  const early = (p: number) => `time to certain BLOCK: 9.0 s of 33.0 s (${p} %)`;
  assert.deepEqual(bench('gate').read(`round 1: …\ngate: 33.0 s to verdict, bare playwright: 30.0 s, ratio 1.10\n${early(27)}\n`), {
    figure: 'ratio 1.10 (33.0 s vs 30.0 s); BLOCK certain at 27 %',
    met: true,
  });
  assert.equal(bench('gate').read(`gate: 40.0 s to verdict, bare playwright: 30.0 s, ratio 1.33\n${early(20)}`)!.met, false);
  assert.equal(bench('gate').read(`gate: 32.0 s to verdict, bare playwright: 30.0 s, ratio 1.07\n${early(30)}`)!.met, false);
  assert.equal(bench('gate').read('gate: 32.0 s to verdict, bare playwright: 30.0 s, ratio 1.07'), undefined, 'no early line: no result');
  assert.equal(bench('seed').read('seed: 71000 rows/s, psql \\copy: 70000 rows/s, ratio 1.01, peak RSS 120 MB')!.met, true);
  assert.equal(bench('seed').read('seed: 61000 rows/s, psql \\copy: 70000 rows/s, ratio 0.87, peak RSS 120 MB')!.met, false);
  assert.equal(bench('seed').read('seed: 71000 rows/s, psql \\copy: 70000 rows/s, ratio 1.01, peak RSS 320 MB')!.met, false);
  assert.equal(bench('stack').read('stack: cold 4.10 s, warm 0.90 s, redeploy 2.00 s, down 0.40 s')!.met, true);
  assert.equal(bench('stack').read('stack: cold 4.10 s, warm 2.50 s, redeploy 2.00 s, down 0.40 s')!.met, false);
  assert.equal(bench('smoke').read('smoke: 28.4 s wall, 33 tests, 2 workers')!.met, true);
  assert.deepEqual(bench('smoke').read('smoke: FAILED, 2 of 33 tests failed (40.0 s wall, 2 workers)'), {
    figure: 'FAILED, 2 of 33 tests failed (40.0 s wall, 2 workers)',
    met: false,
  });
  assert.equal(bench('repeat').read('repeat: 3/3 runs passed, 120 tests per run, 0 tests failed at least once')!.met, true);
  assert.equal(bench('repeat').read('repeat: 2/3 runs passed, 120 tests per run, 1 tests failed at least once')!.met, false);
  assert.match(
    bench('triage').read('triage: 10000 results in 0.412 s, 61 groups\ntriage-accuracy: 50/52 real-world, 40/40 captured')!.figure,
    /10000 results in 0\.412 s, 61 groups \(accuracy 50\/52 real-world, 40\/40 captured\)/,
  );
  for (const b of BENCHES) assert.equal(b.read('something else entirely'), undefined, `${b.name}: no summary line, no figure`);
});

test('the summary block: one line per bench with figure, target and met / NOT MET, and the count', () => {
  const out = summary([
    { bench: bench('stack'), verdict: { figure: 'cold 4.1 s', met: true }, code: 0 },
    { bench: bench('gate'), code: 1 },
  ]);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], '=== bench summary ===');
  assert.match(lines[1]!, /^ {2}stack +cold 4\.1 s +target: cold up < 15 s, warm up < 2 s {2}met$/);
  assert.match(lines[2]!, /^ {2}gate +no result \(exit 1\) +target: .* {2}NOT MET$/);
  assert.equal(lines[3], '1 of 2 targets met');
});
