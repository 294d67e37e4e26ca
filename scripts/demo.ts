/**
 * `npm run demo`: boot the local reference stack and run the smoke suite against it in a real
 * browser, then print where everything is. (The gate issue turns this into `tollgate run`.)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { reportError } from './cli.ts';
import { renderUp } from './commands/stack.ts';
import { REPO_ROOT } from './stack/paths.ts';
import { up } from './stack/stack.ts';

async function main(): Promise<number> {
  console.log('demo: starting the local reference stack…');
  const result = await up({
    onStep: (name, ms, detail) => console.log(`  ${name.padEnd(14)} ${(ms / 1000).toFixed(1).padStart(5)} s${detail ? `  ${detail}` : ''}`),
  });
  process.stdout.write(renderUp(result));
  console.log('\ndemo: running the smoke suite (Playwright, Chromium) against it…');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--grep', '@smoke'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  console.log(
    code === 0
      ? `\ndemo: smoke suite passed against build ${result.state.build}.`
      : `\ndemo: smoke suite FAILED (exit ${code}); traces and screenshots are in test-results/ (npx playwright show-trace <file>).`,
  );
  console.log(`demo: the stack keeps running at ${result.state.urls.web}/ — stop it with \`npx tollgate stack down\`.`);
  return code;
}

try {
  process.exitCode = await main();
} catch (e) {
  process.exitCode = reportError(e);
}
