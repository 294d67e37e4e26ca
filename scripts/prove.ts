/**
 * `npm run prove`: proof that the gate tells the truth. Redeploys the local stack healthy
 * (5 times) and with each fault switch of reference-app/FAULTS.md, runs the gate against it
 * and prints one row per case. Healthy must PROMOTE 5/5; every fault must BLOCK, or be
 * INCONCLUSIVE when it makes the environment untestable — never PROMOTE or WARN.
 *
 * Options: --suite <list> (default: the local environment's SUITES), --only <fault,…>,
 * --healthy <n> (default 5). Gate runs are recorded in a results store of their own
 * (.tollgate/prove-*), so the proof does not pollute the local history.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSuites } from '../config/policy.ts';
import { runGate } from '../pipeline/run.ts';
import { reportError } from './cli.ts';
import { knownFaults } from '../stack/paths.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { up } from '../stack/up.ts';

interface Row {
  name: string;
  verdict: string;
  reason: string;
  seconds: number;
  ok: boolean;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { suite: { type: 'string' }, only: { type: 'string' }, healthy: { type: 'string', default: '5' } },
  });
  const suites = values.suite ? parseSuites(values.suite) : undefined;
  if (values.suite && !suites) throw new Error(`--suite "${values.suite}" is not a list of smoke, regression, demo`);
  const faults = values.only ? values.only.split(',') : knownFaults();
  const healthyRuns = Number(values.healthy);
  mkdirSync(join(REPO_ROOT, '.tollgate'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TOLLGATE_RESULTS_DIR: process.env.TOLLGATE_RESULTS_DIR ?? mkdtempSync(join(REPO_ROOT, '.tollgate', 'prove-')),
    TOLLGATE_ALLURE_HISTORY_DIR: process.env.TOLLGATE_ALLURE_HISTORY_DIR ?? mkdtempSync(join(REPO_ROOT, '.tollgate', 'prove-allure-')),
    // A fault that keeps the environment from becoming ready is known within seconds here.
    TOLLGATE_READY_TIMEOUT: process.env.TOLLGATE_READY_TIMEOUT ?? '15',
    SLACK_WEBHOOK_URL: '',
    SLACK_BOT_TOKEN: '',
  };
  const rows: Row[] = [];
  const runCase = async (name: string, fault: string | undefined, i: number) => {
    const build = `prove-${fault ?? 'healthy'}${fault ? '' : `-${i}`}`.replace(/_/g, '-');
    await up({ build, faults: fault ? [fault] : [], env });
    const t = Date.now();
    const out = await runGate({ env: 'local', build, suites, processEnv: env, print: () => {} });
    const verdict = out.record.verdict;
    const ok = fault ? verdict === 'BLOCK' || verdict === 'INCONCLUSIVE' : verdict === 'PROMOTE';
    const row = {
      name,
      verdict,
      reason: (out.record.reasons[0]?.message ?? '').split('\n')[0]!.slice(0, 120),
      seconds: (Date.now() - t) / 1000,
      ok,
    };
    rows.push(row);
    console.log(`${ok ? '✓' : '✗'} ${name.padEnd(26)} ${verdict.padEnd(12)} ${row.seconds.toFixed(1).padStart(6)} s  ${row.reason}`);
  };
  console.log(`prove: ${healthyRuns} healthy runs and ${faults.length} faults, suites ${suites?.join(',') ?? '(local default)'}\n`);
  console.log(`  ${'case'.padEnd(26)} ${'verdict'.padEnd(12)} ${'time'.padStart(8)}  first reason`);
  for (let i = 1; i <= healthyRuns; i++) await runCase(`healthy #${i}`, undefined, i);
  for (const fault of faults) await runCase(fault, fault, 0);
  await up({ build: 'local', faults: [], env });
  const healthy = rows.filter((r) => r.name.startsWith('healthy') && r.ok).length;
  const caught = rows.filter((r) => !r.name.startsWith('healthy') && r.ok).length;
  console.log(
    `\n| fault | verdict | reason | seconds |\n|---|---|---|---|\n${rows.map((r) => `| ${r.name} | ${r.verdict} | ${r.reason.replace(/\|/g, '\\|')} | ${r.seconds.toFixed(1)} |`).join('\n')}\n`,
  );
  console.log(`prove: ${caught}/${faults.length} faults caught, healthy ${healthy}/${healthyRuns} promoted`);
  return caught === faults.length && healthy === healthyRuns ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (e) {
  process.exitCode = reportError(e);
}
