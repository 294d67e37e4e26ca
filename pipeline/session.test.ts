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

/** A session that prints into `lines`, closed after the test, and a way to hand it a running stand-in runner. */
function stopping(t: { after: (fn: () => void) => void }) {
  const lines: string[] = [];
  const s = new Session([], (l) => lines.push(l), 'stopping');
  t.after(() => s.close());
  const start = async (exitOn: number) => {
    const r = runner(exitOn);
    t.after(() => r.child.kill('SIGKILL'));
    await r.ready;
    s.child = r.child;
    return r;
  };
  return { s, lines, start };
}

test('a runner that stops on SIGINT gets nothing more', async (t) => {
  const { s, lines, start } = stopping(t);
  const r = await start(1);
  s.stopSuites(300);
  assert.deepEqual(await r.exit, { code: 130, signal: null });
  await new Promise((res) => setTimeout(res, 500));
  assert.equal(r.output().match(/SIGINT/g)?.length, 1);
  assert.deepEqual(lines, []);
});

test('a runner that ignores the graceful stop gets a second SIGINT, and one that ignores both is killed', async (t) => {
  const { s, lines, start } = stopping(t);
  const second = await start(2);
  s.stopSuites(200);
  assert.deepEqual(await second.exit, { code: 130, signal: null });
  assert.match(lines.join('\n'), /the suites did not stop within 0\.2 s: stopping them at once/);

  const deaf = await start(0);
  s.stopSuites(200);
  assert.deepEqual(await deaf.exit, { code: null, signal: 'SIGKILL' });
  assert.equal(deaf.output().match(/SIGINT/g)?.length, 2);
});
