/**
 * `npm run demo`: the whole job against the local reference stack. Boots the stack, runs
 * `tollgate run --env local` against the stack's build, prints where the reports are, and
 * exits with the verdict's code (0 PROMOTE/WARN, 1 BLOCK, 2 INCONCLUSIVE).
 */
import { relative } from 'node:path';
import { reportError } from './cli.ts';
import { renderSummary } from './commands/run.ts';
import { renderUp } from './commands/stack.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { up } from '../stack/up.ts';
import { runGate } from '../pipeline/run.ts';

async function main(): Promise<number> {
  console.log('demo: starting the local reference stack…');
  const stack = await up({
    onStep: (name, ms, detail) => console.log(`  ${name.padEnd(14)} ${(ms / 1000).toFixed(1).padStart(5)} s${detail ? `  ${detail}` : ''}`),
  });
  process.stdout.write(renderUp(stack));
  console.log(`\ndemo: tollgate run --env local --build ${stack.state.build}`);
  const out = await runGate({ env: 'local', build: stack.state.build });
  process.stdout.write(renderSummary(out));
  const dir = relative(REPO_ROOT, out.reportDir);
  console.log(`\ndemo: promotion report  ${dir}/index.html  (Markdown: ${dir}/summary.md, JSON: ${dir}/report.json)`);
  console.log('demo: history           npx tollgate history --env local');
  console.log(`demo: the stack keeps running at ${stack.state.urls.web}/ — stop it with \`npx tollgate stack down\`.`);
  return out.exitCode;
}

try {
  process.exitCode = await main();
} catch (e) {
  process.exitCode = reportError(e);
}
