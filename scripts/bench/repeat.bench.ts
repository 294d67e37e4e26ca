/**
 * `npm run bench:repeat`: runs the smoke and regression suites N times (TOLLGATE_REPEAT,
 * default 10) against a local stack of its own (ports 18420-18422), with no retries, and reports how many runs
 * passed and which tests ever failed. Last line:
 *   repeat: <P>/<N> runs passed, <T> tests per run, <F> tests failed at least once
 */
import { runPlaywright } from '../../selftest/playwright-run.ts';
import { benchStack } from './harness.ts';

const runs = Number(process.env.TOLLGATE_REPEAT ?? 10);
const projects = ['verify', 'smoke-api', 'smoke-web', 'smoke-selenium', 'regression'].flatMap((p) => ['--project', p]);
const failures = new Map<string, number>();
let passedRuns = 0;
let perRun = 0;
const stack = await benchStack('repeat', 18420);
try {
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    // CI unset: no retries, so a flaky test fails its run instead of hiding behind a retry.
    const { outcomes } = await runPlaywright([...projects, '--workers', '2'], stack.env);
    const failed = outcomes.filter((o) => o.status === 'unexpected' || o.status === 'flaky');
    for (const f of failed) failures.set(`${f.project} › ${f.title}`, (failures.get(`${f.project} › ${f.title}`) ?? 0) + 1);
    perRun = outcomes.filter((o) => o.status !== 'skipped').length;
    if (!failed.length && outcomes.length) passedRuns++;
    console.log(
      `run ${i}/${runs}: ${failed.length ? `${failed.length} failed` : 'passed'}, ${perRun} tests, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
} finally {
  await stack.stop();
}
for (const [test, n] of failures) console.log(`  failed ${n}×: ${test}`);
console.log(`repeat: ${passedRuns}/${runs} runs passed, ${perRun} tests per run, ${failures.size} tests failed at least once`);
