import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../config/policy.ts';
import type { TestResult } from '../gate/types.ts';
import { aResult } from '../testing/builders.ts';
import { failFastNote, watchEarly, type WatchOptions } from './early.ts';
import type { History } from './history.ts';
import { Session } from './session.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-early-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NO_HISTORY: History = { history: [], buildRuns: [], lastPromoted: undefined };
const line = (r: TestResult) => `${JSON.stringify(r)}\n`;
const smokeFailure = (message: string, title = 'a genuine tag') =>
  aResult({ project: 'smoke-api', titlePath: ['verify API', title], status: 'failed', message });

function setup(o: Partial<WatchOptions> = {}) {
  const lines: string[] = [];
  const s = new Session([], (l) => lines.push(l), 'stopping');
  const reportDir = join(dir, `run-${++n}`);
  const eventsFile = join(dir, `events-${n}.ndjson`);
  const config = {
    environment: {
      name: 'local',
      policy: DEFAULT_POLICY,
      slack: { notify: 'not-promote', webhookUrl: undefined, botToken: undefined, channel: undefined },
    },
    owners: [],
    quarantine: [],
  } as unknown as WatchOptions['config'];
  const watch = watchEarly({
    s,
    config,
    plan: { runId: `tg_early_${n}`, build: 'b1' },
    history: Promise.resolve(NO_HISTORY),
    eventsFile,
    reportDir,
    t0: Date.now(),
    failFast: false,
    pollMs: 20,
    ...o,
  });
  return { s, lines, watch, eventsFile, reportDir, close: () => s.close() };
}

test('a product failure in smoke is announced once, as it arrives, with its reason; later failures add nothing', async () => {
  const w = setup();
  try {
    appendFileSync(w.eventsFile, line(aResult({ project: 'smoke-api', titlePath: ['a', 'passes'] })));
    await sleep(100);
    assert.deepEqual(w.lines, [], 'a pass announces nothing');
    // Half a line first: the reader waits for the rest.
    const bad = line(smokeFailure('expect(received).toBe(expected)\nExpected: "revoked"\nReceived: "genuine"'));
    appendFileSync(w.eventsFile, bad.slice(0, 40));
    await sleep(100);
    assert.deepEqual(w.lines, []);
    appendFileSync(w.eventsFile, bad.slice(40));
    for (let i = 0; i < 100 && !w.lines.length; i++) await sleep(10);
    assert.equal(w.lines.length, 1, w.lines.join('\n'));
    assert.match(w.lines[0]!, /^ {2}BLOCK certain at \d+\.\d s: \[critical-failed\] 1 verify\/smoke test failed.*a genuine tag/);
    appendFileSync(w.eventsFile, line(smokeFailure('expect(received).toBe(expected)', 'another')));
    await sleep(100);
    const out = await w.watch.stop();
    assert.equal(w.lines.filter((l) => /BLOCK certain/.test(l)).length, 1, 'announced once');
    assert.equal(out.block?.reason.rule, 'critical-failed');
    assert.equal(out.stopped, false);
    assert.equal(out.ended.size, 3);
    assert.ok(w.s.notes.some((x) => /BLOCK was certain .* the suites ran on for the full evidence/.test(x)));
    const saved = JSON.parse(readFileSync(join(w.reportDir, 'slack-early.json'), 'utf8')) as { text: string };
    assert.match(saved.text, /BLOCK certain · local · build b1/);
    assert.equal(existsSync(w.eventsFile), false, 'the events file (error messages) is removed');
  } finally {
    w.close();
  }
});

test('failures that are all environmental or the runner’s announce nothing', async () => {
  const w = setup();
  try {
    appendFileSync(w.eventsFile, line(smokeFailure('connect ECONNREFUSED 127.0.0.1:18081')));
    appendFileSync(w.eventsFile, line(smokeFailure('Request failed with status code 503', 'b')));
    appendFileSync(
      w.eventsFile,
      line(smokeFailure('browserType.launch: Failed to launch chromium because executable does not exist', 'c')),
    );
    await sleep(150);
    const out = await w.watch.stop();
    assert.equal(out.block, undefined);
    assert.deepEqual(w.lines, []);
    assert.equal(existsSync(join(w.reportDir, 'slack-early.json')), false);
  } finally {
    w.close();
  }
});

test('--fail-fast stops the suites with SIGINT (Playwright’s own stop) and the note names what did not run', async () => {
  const w = setup({ failFast: true });
  // Stands in for Playwright's runner: it reports the signal it got.
  const child = spawn(process.execPath, [
    '-e',
    "process.on('SIGINT', () => { console.log('SIGINT'); process.exit(130); }); setInterval(() => {}, 1000)",
  ]);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  w.s.child = child;
  try {
    await sleep(200);
    const bad = smokeFailure('expect(page.getByRole("button")).toBeVisible() failed');
    appendFileSync(w.eventsFile, line(bad));
    assert.equal(await Promise.race([exited, sleep(5000).then(() => 'still running')]), 130);
    assert.match(out, /SIGINT/);
    const early = await w.watch.stop();
    assert.equal(early.stopped, true);
    assert.ok(w.lines.some((l) => /--fail-fast: stopping the suites now/.test(l)));
    const notRun = ['x', 'y'].map((t) => aResult({ project: 'smoke-web', titlePath: ['web', t], status: 'skipped' }));
    const interrupted = aResult({ project: 'smoke-web', titlePath: ['web', 'z'], status: 'interrupted' });
    const note = failFastNote(early, [bad, ...notRun, interrupted, aResult({ project: 'auth', status: 'skipped' })]);
    assert.match(note ?? '', /--fail-fast stopped the suites \d+\.\d s into the run, once BLOCK was certain: 3 tests did not run/);
    for (const r of [...notRun, interrupted]) assert.ok(note!.includes(r.id), r.id);
    assert.equal(failFastNote({ ...early, stopped: false }, [bad]), undefined, 'no note when nothing was stopped');
  } finally {
    child.kill('SIGKILL');
    w.close();
  }
});
