import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressReporter } from './progress.ts';

function run(isTTY: boolean, ticks: [ms: number, done: number][]) {
  let out = '';
  let clock = 0;
  const p = progressReporter('seed', { isTTY, write: (s) => (out += s) }, () => clock);
  for (const [ms, done] of ticks) {
    clock = ms;
    p.update(done, 1_000_000);
  }
  p.finish();
  return out;
}

test('a run that ends within 2 s prints nothing', () => {
  assert.equal(
    run(false, [
      [500, 200_000],
      [1_900, 1_000_000],
    ]),
    '',
  );
  assert.equal(
    run(true, [
      [500, 200_000],
      [1_900, 1_000_000],
    ]),
    '',
  );
});

test('not a TTY: plain lines, at most one per 5 s, with rate and ETA', () => {
  const out = run(false, [
    [2_000, 400_000],
    [3_000, 600_000],
    [7_100, 900_000],
    [8_000, 1_000_000],
  ]);
  const lines = out.trim().split('\n');
  assert.deepEqual(lines, [
    'seed: 40% (400,000/1,000,000 rows, 200,000 rows/s, ETA 3 s)',
    'seed: 90% (900,000/1,000,000 rows, 126,761 rows/s, ETA 1 s)',
    'seed: 100% (1,000,000/1,000,000 rows, 125,000 rows/s, ETA 0 s)',
  ]);
  assert.doesNotMatch(out, /\r/);
});

test('a TTY: one bar redrawn in place, ended by a newline', () => {
  const out = run(true, [
    [2_000, 500_000],
    [2_200, 750_000],
    [4_000, 1_000_000],
  ]);
  assert.equal(out.split('\r').length - 1, 3);
  assert.match(out, /\[############------------\] {2}50% 500,000\/1,000,000 rows {2}250,000 rows\/s {2}ETA 2 s/);
  assert.ok(out.endsWith('\n'));
});
