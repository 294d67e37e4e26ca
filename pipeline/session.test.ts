/** Stopping the suites: Playwright's graceful stop first, then its immediate stop, then SIGKILL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Session } from './session.ts';

/** A stand-in for Playwright's runner that logs each SIGINT and exits on the `exitOn`-th (never when 0). */
function runner(exitOn: number) {
  const child = spawn(process.execPath, [
    '-e',
    `let n = 0; process.on('SIGINT', () => { console.log('SIGINT ' + ++n); if (n === ${exitOn}) process.exit(130); }); setInterval(() => {}, 1000); console.log('ready');`,
  ]);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  const ready = new Promise<void>((r) => child.stdout.on('data', () => /ready/.test(out) && r()));
  return { child, output: () => out, exit, ready };
}

test('a runner that stops on SIGINT gets nothing more', async (t) => {
  const lines: string[] = [];
  const s = new Session([], (l) => lines.push(l), 'stopping');
  t.after(() => s.close());
  const r = runner(1);
  await r.ready;
  s.child = r.child;
  s.stopSuites(300);
  assert.deepEqual(await r.exit, { code: 130, signal: null });
  await new Promise((res) => setTimeout(res, 500));
  assert.equal(r.output().match(/SIGINT/g)?.length, 1);
  assert.deepEqual(lines, []);
});

test('a runner that ignores the graceful stop gets a second SIGINT, and one that ignores both is killed', async (t) => {
  const lines: string[] = [];
  const s = new Session([], (l) => lines.push(l), 'stopping');
  t.after(() => s.close());
  const second = runner(2);
  await second.ready;
  s.child = second.child;
  s.stopSuites(200);
  assert.deepEqual(await second.exit, { code: 130, signal: null });
  assert.match(lines.join('\n'), /the suites did not stop within 0\.2 s: stopping them at once/);

  const deaf = runner(0);
  t.after(() => deaf.child.kill('SIGKILL'));
  await deaf.ready;
  s.child = deaf.child;
  s.stopSuites(200);
  assert.deepEqual(await deaf.exit, { code: null, signal: 'SIGKILL' });
  assert.equal(deaf.output().match(/SIGINT/g)?.length, 2);
});
